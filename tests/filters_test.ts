/**
 * lib/filters.ts on its own: glob matching, the local matcher, what is sent to Search, flag
 * parsing and its errors, the file's Filters member, and the import's selection of items.
 */
import assert from "node:assert/strict";
import { filterFlags, helpText, parseFlags } from "../lib/cli/flags.ts";
import { UsageError } from "../lib/errors.ts";
import {
  describeFilters,
  describeNarrowing,
  type FileItem,
  fileItemFacts,
  type FilterFlags,
  type Filters,
  globMatches,
  isFiltering,
  matches,
  nameCondition,
  NO_FILTERS,
  parseFilters,
  selectFileItems,
  toExportFilters,
  toSearch,
} from "../lib/filters.ts";
import { compileCriteria, compileFilter } from "../emulator/search.ts";
import type { QuickConnectRec } from "../emulator/state.ts";

const filters = (f: Partial<Filters>): Filters => ({ ...NO_FILTERS, ...f });

Deno.test("globMatches(): * is any run, ? one character, everything else literal and case-sensitive", () => {
  const yes: [string, string][] = [
    ["Sales*", "Sales"],
    ["Sales*", "Sales Team Lead"],
    ["*Lead", "Sales Team Lead"],
    ["*Team*", "Sales Team Lead"],
    ["QC 00?1*", "QC 00012"],
    ["a.b", "a.b"],
    ["(x)[y]{z}|^$+\\", "(x)[y]{z}|^$+\\"],
    ["?", "😀"],
    ["*", ""],
    ["Line*", "Line\nbreak"],
  ];
  for (const [g, n] of yes) assert.ok(globMatches(g, n), `${g} ~ ${n}`);
  const no: [string, string][] = [
    ["Sales*", "sales team"],
    ["Sales", "Sales Team"],
    ["*Lead", "Lead generation"],
    ["QC 00?1*", "QC 001"],
    ["a.b", "axb"],
    ["??", "😀"],
  ];
  for (const [g, n] of no) assert.ok(!globMatches(g, n), `${g} !~ ${n}`);
});

Deno.test("matches(): include any, exclude wins, types, every tag with its exact value", () => {
  const f = filters({
    include: ["Sales*", "VIP"],
    exclude: ["*Test*"],
    types: ["USER", "QUEUE"],
    tags: { Department: "Sales", Tier: "" },
  });
  const tags = { Department: "Sales", Tier: "", Other: "x" };
  assert.ok(matches(f, { name: "Sales Lead", type: "USER", tags }));
  assert.ok(matches(f, { name: "VIP", type: "QUEUE", tags }));
  assert.ok(!matches(f, { name: "Support", type: "USER", tags }), "not included");
  assert.ok(!matches(f, { name: "Sales Test", type: "USER", tags }), "exclude wins");
  assert.ok(!matches(f, { name: "Sales Lead", type: "PHONE_NUMBER", tags }), "type");
  assert.ok(!matches(f, { name: "Sales Lead", type: "USER", tags: { Department: "Sales" } }));
  assert.ok(
    !matches(f, { name: "Sales Lead", type: "USER", tags: { ...tags, Department: "sales" } }),
    "tag values are exact",
  );
  // Unknown facts are not judged (List before Describe), known ones still are.
  assert.ok(matches(f, { name: "Sales Lead" }));
  assert.ok(!matches(f, { name: "Sales Test" }));
  assert.ok(!matches(f, { name: "Sales Lead", type: "FLOW" }));
  assert.ok(matches(NO_FILTERS, { name: "anything", type: "NEW_TYPE", tags: {} }));
  assert.ok(!isFiltering(NO_FILTERS) && isFiltering(filters({ types: ["FLOW"] })));
});

Deno.test("nameCondition(): Foo EXACT, Foo* STARTS_WITH, *Foo* and *Foo CONTAINS; ? or an inner * cannot be sent", () => {
  const c = (glob: string) => {
    const r = nameCondition(glob);
    return typeof r === "object" ? `${r.ComparisonType} ${r.Value}` : r;
  };
  assert.equal(c("Sales Lead"), "EXACT Sales Lead");
  assert.equal(c("Sales*"), "STARTS_WITH Sales");
  assert.equal(c("Sales**"), "STARTS_WITH Sales");
  assert.equal(c("*Team*"), "CONTAINS Team");
  assert.equal(c("*Lead"), "CONTAINS Lead");
  assert.equal(c("*"), "all");
  assert.equal(c("**"), "all");
  assert.equal(c("Sal?s*"), undefined);
  assert.equal(c("Sales*Lead"), undefined);
  assert.equal(c("*a*b*"), undefined);
});

Deno.test("toSearch(): includes OR-ed in SearchCriteria, tags AND-ed in TagFilter; excludes and types never sent", () => {
  assert.deepEqual(toSearch(filters({ include: ["Sales*"] })).criteria, {
    StringCondition: { FieldName: "name", Value: "Sales", ComparisonType: "STARTS_WITH" },
  });
  const several = toSearch(filters({ include: ["Sales*", "VIP", "*Desk*", "Sales*"] }));
  assert.deepEqual(several.criteria, {
    OrConditions: [
      { StringCondition: { FieldName: "name", Value: "Sales", ComparisonType: "STARTS_WITH" } },
      { StringCondition: { FieldName: "name", Value: "VIP", ComparisonType: "EXACT" } },
      { StringCondition: { FieldName: "name", Value: "Desk", ComparisonType: "CONTAINS" } },
    ],
  });
  assert.equal(
    describeNarrowing(several),
    'name STARTS_WITH "Sales" or name EXACT "VIP" or name CONTAINS "Desk"',
  );
  // One include Search cannot express: OR-ing the others would lose its matches.
  const mixed = toSearch(filters({ include: ["Sales*", "QC ?1"] }));
  assert.equal(mixed.criteria, undefined);
  assert.match(mixed.notSent.join("\n"), /--include "QC \?1" cannot be expressed/);
  assert.equal(toSearch(filters({ include: ["Sales*", "*"] })).criteria, undefined);

  assert.deepEqual(toSearch(filters({ tags: { Department: "Sales" } })).filter, {
    TagFilter: { TagCondition: { TagKey: "Department", TagValue: "Sales" } },
  });
  const tags = toSearch(filters({ tags: { Department: "Sales", Site: "Leeds", Empty: "" } }));
  assert.deepEqual(tags.filter, {
    TagFilter: {
      AndConditions: [
        { TagKey: "Department", TagValue: "Sales" },
        { TagKey: "Site", TagValue: "Leeds" },
      ],
    },
  });
  assert.match(tags.notSent.join("\n"), /--tag "Empty=" is applied here/);

  const local = toSearch(filters({ exclude: ["*Test*"], types: ["USER"] }));
  assert.equal(local.criteria, undefined);
  assert.equal(local.filter, undefined);
  assert.equal(local.notSent.length, 2);
  assert.deepEqual(toSearch(NO_FILTERS), { criteria: undefined, filter: undefined, notSent: [] });
});

/** A quick connect as the emulator's Search predicates see it. */
function rec(name: string, tags: Record<string, string>): QuickConnectRec {
  return {
    id: "id",
    arn: "arn",
    name,
    tags,
    config: { QuickConnectType: "PHONE_NUMBER", PhoneConfig: { PhoneNumber: "+14155550100" } },
    lastModified: 0,
    lastModifiedRegion: "us-east-1",
    existsFrom: 0,
    visibleFrom: 0,
    earlier: [],
  };
}

Deno.test("toSearch() only narrows: what Search is sent never drops a quick connect matches() selects", () => {
  const names = [
    "Sales",
    "Sales Lead",
    "sales lead",
    "SALES",
    "Lead Sales",
    "Support Desk",
    "QC 00012",
    "QC 0001",
    "VIP",
    "vip",
    "*star",
  ];
  const globs = [
    "Sales",
    "Sales*",
    "*Sales",
    "*Sales*",
    "*Desk*",
    "QC 00?1*",
    "QC*1",
    "VIP",
    "*",
    "\\*star",
  ];
  const tagSets: Record<string, string>[] = [{}, { Department: "Sales" }, {
    Department: "Sales",
    Site: "Leeds",
  }, {
    Department: "sales",
  }];
  const includeSets = [[], ...globs.map((g) => [g]), ["Sales*", "VIP"], ["*Desk*", "QC*1"]];
  const tagFilters: Record<string, string>[] = [{}, { Department: "Sales" }, {
    Department: "Sales",
    Site: "Leeds",
  }];
  let selected = 0;
  for (const include of includeSets) {
    for (const want of tagFilters) {
      const f = filters({ include, exclude: ["*Lead*"], tags: want });
      const n = toSearch(f);
      const criteria = compileCriteria(n.criteria);
      const filter = compileFilter(n.filter);
      for (const name of names) {
        for (const tags of tagSets) {
          if (!matches(f, { name, tags })) continue;
          selected++;
          const qc = rec(name, tags);
          assert.ok(criteria(qc) && filter(qc), `${JSON.stringify(f)} must find ${name}`);
        }
      }
    }
  }
  assert.ok(selected > 50, `${selected} selections checked`);
});

Deno.test("parseFilters(): types against the type table, KEY=VALUE tags, errors as usage errors", () => {
  const none: FilterFlags = { include: [], exclude: [], type: [], tag: [] };
  const f = parseFilters({
    include: ["Sales*", "Sales*"],
    exclude: ["*Test*"],
    type: ["USER, QUEUE", "USER"],
    tag: ["Department=Sales", "Note=a=b", "Empty=", "Department=Sales"],
  }, "export");
  assert.deepEqual(f, {
    include: ["Sales*"],
    exclude: ["*Test*"],
    types: ["USER", "QUEUE"],
    tags: { Department: "Sales", Note: "a=b", Empty: "" },
  });
  const bad = (flags: Partial<FilterFlags>, re: RegExp, command: "export" | "import" = "export") =>
    assert.throws(
      () => parseFilters({ ...none, ...flags }, command),
      (e: unknown) => e instanceof UsageError && re.test(e.message),
      String(re),
    );
  bad(
    { type: ["USER,AGENT"] },
    /^Invalid value for --type: "AGENT" \(expected a comma-separated list of: USER, QUEUE, PHONE_NUMBER, FLOW\)$/,
  );
  bad({ type: ["user"] }, /--type: "user"/);
  bad({ type: ["USER,"] }, /--type: ""/);
  bad({ tag: ["Department"] }, /^Invalid value for --tag: "Department" \(expected KEY=VALUE/);
  bad({ tag: ["=Sales"] }, /expected KEY=VALUE/);
  bad({ tag: ["Dep!t=x"] }, /the key has characters outside/);
  bad({ tag: [`${"k".repeat(129)}=v`] }, /the key has 129 characters, the limit is 128/);
  bad({ tag: [`k=${"v".repeat(257)}`] }, /the value has 257 characters, the limit is 256/);
  bad({ tag: ["A=1", "A=2"] }, /--tag A=1 is given too; a quick connect has one value per key/);
  bad({ tag: ["aws:cloudformation:stack-name=prod"] }, /the import drops aws: tags/, "import");
  assert.deepEqual(
    parseFilters({ ...none, tag: ["aws:cloudformation:stack-name=prod"] }, "export").tags,
    { "aws:cloudformation:stack-name": "prod" },
  );
  // A key that is also an Object.prototype name stays a plain own key.
  const proto = parseFilters({ ...none, tag: ["__proto__=x"] }, "export");
  assert.ok(Object.hasOwn(proto.tags, "__proto__"));
  assert.ok(!matches(proto, { name: "n", tags: {} }));
  assert.ok(matches(proto, { name: "n", tags: JSON.parse('{"__proto__":"x"}') }));
});

Deno.test("filter flags: repeatable (string[], [] by default), checked at parse time, shown as (repeatable)", () => {
  const spec = { ...filterFlags("import"), help: { type: "boolean", help: "h" } } as const;
  const none = parseFlags(spec, []);
  assert.ok(none.kind === "run");
  assert.deepEqual([none.flags.include, none.flags.exclude, none.flags.type, none.flags.tag], [
    [],
    [],
    [],
    [],
  ]);
  const some = parseFlags(spec, [
    "--include",
    "A*",
    "--include=B",
    "--tag",
    "K=V",
    "--type",
    "USER,FLOW",
  ]);
  assert.ok(some.kind === "run");
  assert.deepEqual(some.flags.include, ["A*", "B"]);
  assert.deepEqual(some.flags.tag, ["K=V"]);
  assert.deepEqual(some.flags.type, ["USER,FLOW"]);
  assert.throws(
    () => parseFlags(spec, ["--include", "A", "--include", ""]),
    /--include needs a value/,
  );
  assert.throws(() => parseFlags(spec, ["--type", "AGENT"]), UsageError);
  assert.throws(() => parseFlags(spec, ["--tag", "aws:x=y"]), /the import drops aws: tags/);
  assert.ok(parseFlags({ ...filterFlags("export") }, ["--tag", "aws:x=y"]).kind === "run");
  // --help still wins over a bad value.
  assert.equal(parseFlags(spec, ["--type", "AGENT", "--help"]).kind, "help");
  const text = helpText(spec, { usage: ["x"], description: "d", epilog: "" });
  assert.match(text, /^ {2}--include GLOB \(repeatable\) +only quick connects whose name matches/m);
  assert.match(
    text,
    /^ {2}--tag KEY=VALUE \(repeatable\)\n {31}only quick connects with this tag/m,
  );
  for (const line of text.split("\n")) assert.ok(line.length <= 100, line);
});

Deno.test("the file's Filters member, and the filters as flags for the log", () => {
  assert.equal(toExportFilters(NO_FILTERS), undefined);
  const f = filters({ include: ["Sales*"], types: ["USER"], tags: { Department: "Sales" } });
  assert.deepEqual(toExportFilters(f), {
    Include: ["Sales*"],
    Exclude: [],
    Types: ["USER"],
    Tags: { Department: "Sales" },
  });
  assert.equal(
    describeFilters({ ...f, exclude: ['Say "hi"'] }),
    '--include "Sales*" --exclude "Say \\"hi\\"" --type USER --tag "Department=Sales"',
  );
});

Deno.test("selectFileItems(): valid items on name, type and tags; invalid ones on what they carry readably", () => {
  const f = filters({ include: ["Sales*"], types: ["USER"], tags: { Department: "Sales" } });
  const user = { QuickConnectType: "USER" };
  const items: (FileItem & { index: number })[] = [
    { index: 0, name: "Sales A", config: user, tags: { Department: "Sales" } },
    {
      index: 1,
      name: "Sales B",
      config: { QuickConnectType: "QUEUE" },
      tags: { Department: "Sales" },
    },
    { index: 2, name: "Support", config: user, tags: { Department: "Sales" } },
    { index: 3, name: "Sales C", config: user, tags: {} },
    // Invalid items: the name is usable, the rest as readable as it is.
    {
      index: 4,
      name: "Sales D",
      raw: { QuickConnect: { QuickConnectConfig: user }, Tags: { Department: "Sales" } },
    },
    { index: 5, name: "Support E", raw: {} },
    { index: 6, name: "Sales F", raw: { QuickConnect: {}, Tags: "not an object" } },
    {
      index: 7,
      name: "Sales G",
      raw: { QuickConnect: { QuickConnectConfig: { QuickConnectType: "FLOW" } } },
    },
    { index: 8, raw: 42 },
  ];
  assert.deepEqual(selectFileItems(f, items).map((i) => i.index), [0, 4, 6, 8]);
  assert.equal(fileItemFacts({ raw: {} }), undefined);
  assert.deepEqual(fileItemFacts({ name: "n", raw: { Tags: null } }), {
    name: "n",
    type: undefined,
    tags: {},
  });
});
