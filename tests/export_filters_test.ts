/**
 * export.ts with --include, --exclude, --type and --tag, as a user runs it, against the
 * emulator: the same file on every read path (Search, --no-search, Search denied, Search
 * without tags), fewer calls where the filters can be sent, the Filters member, and bad
 * values refused before any call.
 */
import assert from "node:assert/strict";
import { readQuickConnects } from "../lib/aws/reads.ts";
import type { ExportFile } from "../lib/export_file.ts";
import { parseFilters, toSearch } from "../lib/filters.ts";
import { type Emulator, startEmulator } from "../emulator/testing.ts";
import { runCli } from "./support/cli.ts";
import { testContext } from "./support/context.ts";
import { instanceFixture } from "./support/generate.ts";

// The emulator runs without quotas here; the client's own limiter may go fast too.
const FAST = { CONNECT_QUOTA_SCALE: "50" };

/** The generated instance's quick connects, as the generator makes them (see generate.ts). */
function generated(n: number) {
  const types = ["USER", "QUEUE", "PHONE_NUMBER", "FLOW"];
  return Array.from({ length: n }, (_, i) => ({
    name: `QC ${String(i).padStart(5, "0")}`,
    type: types[i % 4] ?? "",
    tags: i % 5 === 0
      ? {} as Record<string, string>
      : { Team: `team-${i % 7}`, CostCenter: String(100 + (i % 13)) },
  }));
}

async function emulatorOf(n: number, opts: { searchOmitsTags?: boolean } = {}) {
  const seed = { Instances: [instanceFixture({ quickConnects: n, queues: 4, quota: 2 * n })] };
  const emu = await startEmulator({ seed, quotas: false, ...opts });
  return { emu, id: seed.Instances[0]?.Id ?? "" };
}

interface Run {
  code: number;
  stderr: string;
  file: ExportFile;
  calls: Record<string, number>;
}

/** One export through the CLI; the call counts are this run's only. */
async function exportCli(emu: Emulator, id: string, args: string[]): Promise<Run> {
  const dir = await Deno.makeTempDir({ prefix: "export_filters_" });
  emu.resetCalls();
  const r = await runCli(
    "export",
    ["--instance-id", id, "--endpoint-url", emu.url, "--output", "out.json", ...args],
    dir,
    FAST,
  );
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const file = JSON.parse(await Deno.readTextFile(`${dir}/out.json`)) as ExportFile;
  return { code: r.code, stderr: r.stderr, file, calls: emu.calls() };
}

/**
 * The file without its clock times (the run's, and the emulator's LastModifiedTime, which a
 * second emulator seeded alike sets later): two exports of one instance compare equal.
 */
function timeless(file: ExportFile) {
  return {
    ...file,
    ExportTimestamp: "",
    QuickConnects: file.QuickConnects.map((q) => ({
      ...q,
      ExportTimestamp: "",
      QuickConnect: { ...q.QuickConnect, LastModifiedTime: "" },
    })),
  };
}

const names = (file: ExportFile) => file.QuickConnects.map((q) => q.QuickConnect.Name);

Deno.test("export.ts filters: the same file via Search, --no-search, Search denied and Search without tags", async () => {
  const n = 400;
  const { emu, id } = await emulatorOf(n);
  await using _ = emu;
  const args = [
    "--include",
    "QC 001*",
    "--include",
    "QC 0030?",
    "--exclude",
    "*7",
    "--type",
    "USER,QUEUE",
    "--type",
    "PHONE_NUMBER",
    "--tag",
    "Team=team-3",
  ];
  const expected = generated(n).filter((q) =>
    (/^QC 001/.test(q.name) || /^QC 0030.$/.test(q.name)) && !q.name.endsWith("7") &&
    q.type !== "FLOW" && q.tags.Team === "team-3"
  ).map((q) => q.name);
  assert.ok(expected.length >= 8, `${expected.length} expected`);

  const search = await exportCli(emu, id, args);
  assert.equal(search.code, 0, search.stderr);
  assert.deepEqual(names(search.file), expected);
  assert.deepEqual(search.file.Filters, {
    Include: ["QC 001*", "QC 0030?"],
    Exclude: ["*7"],
    Types: ["USER", "QUEUE", "PHONE_NUMBER"],
    Tags: { Team: "team-3" },
  });
  assert.equal(search.file.TotalQuickConnects, expected.length);
  assert.equal(search.file.SuccessfulExports, expected.length);
  // "QC 0030?" cannot be sent, so no name condition is; the tag is: Search returns only
  // the team-3 quick connects, whose tags it carries, so nothing is described.
  const team3 = generated(n).filter((q) => q.tags.Team === "team-3").length;
  assert.equal(search.calls.SearchQuickConnects, Math.ceil(team3 / 100));
  assert.equal(search.calls.DescribeQuickConnect, undefined);
  assert.match(search.stderr, /INFO - Filters: --include "QC 001\*" --include "QC 0030\?"/);
  assert.match(search.stderr, /SearchQuickConnects is asked for tag Team = "team-3"/);
  assert.match(search.stderr, /--include "QC 0030\?" cannot be expressed in SearchQuickConnects/);

  // List + Describe: names and types sift the summaries (ListQuickConnects is sent the
  // types), so only those are described; the tag is checked after Describe.
  const sifted =
    generated(n).filter((q) =>
      (/^QC 001/.test(q.name) || /^QC 0030.$/.test(q.name)) && !q.name.endsWith("7") &&
      q.type !== "FLOW"
    ).length;
  const list = await exportCli(emu, id, [...args, "--no-search"]);
  assert.deepEqual(timeless(list.file), timeless(search.file));
  assert.equal(list.calls.SearchQuickConnects, undefined);
  assert.equal(list.calls.ListQuickConnects, 1);
  assert.equal(list.calls.DescribeQuickConnect, sifted);

  emu.addFault({ Operation: "SearchQuickConnects", Error: "AccessDeniedException", Count: -1 });
  const denied = await exportCli(emu, id, args);
  emu.clearFaults();
  assert.deepEqual(timeless(denied.file), timeless(search.file));
  assert.equal(denied.calls.SearchQuickConnects, 1);
  assert.equal(denied.calls.DescribeQuickConnect, sifted);
  assert.match(denied.stderr, /WARNING - SearchQuickConnects is not available/);

  // Search that returns no Tags: its results are sifted by name and type, then described.
  // The tag still narrows Search, so only what it returns and passes name and type is.
  const tagless = await emulatorOf(n, { searchOmitsTags: true });
  await using _tagless = tagless.emu;
  const noTags = await exportCli(tagless.emu, tagless.id, args);
  assert.deepEqual(timeless(noTags.file), timeless(search.file));
  assert.equal(noTags.calls.DescribeQuickConnect, expected.length);
  assert.match(noTags.stderr, /SearchQuickConnects returned no Tags/);
});

Deno.test("export.ts --include a glob Search can express reads 1 Search page, not 10, and 100 Describes, not 1000", async () => {
  const { emu, id } = await emulatorOf(1000);
  await using _ = emu;
  const hundred = generated(1000).slice(0, 100).map((q) => q.name);

  const sent = await exportCli(emu, id, ["--include", "QC 000*"]);
  assert.deepEqual(names(sent.file), hundred);
  assert.match(sent.stderr, /SearchQuickConnects is asked for name STARTS_WITH "QC 000"/);

  const local = await exportCli(emu, id, ["--include", "QC 000??"]);
  assert.deepEqual(
    timeless({ ...local.file, Filters: null }),
    timeless({ ...sent.file, Filters: null }),
  );
  assert.deepEqual(
    [sent.calls.SearchQuickConnects, local.calls.SearchQuickConnects],
    [1, 10],
    "the same 100 quick connects: one page of 100 against all 1000 in pages of 100",
  );
  assert.equal(sent.calls.DescribeQuickConnect, undefined);
  assert.equal(local.calls.DescribeQuickConnect, undefined);

  // List + Describe: one page of 1000 summaries either way; only the 100 are described.
  const list = await exportCli(emu, id, ["--include", "QC 000*", "--no-search"]);
  assert.deepEqual(timeless(list.file), timeless(sent.file));
  assert.equal(list.calls.ListQuickConnects, 1);
  assert.equal(list.calls.DescribeQuickConnect, 100);

  // Several includes are OR-ed in one criteria; an exclude is applied here, and wins.
  const two = await exportCli(emu, id, [
    "--include",
    "QC 0001*",
    "--include",
    "*0099*",
    "--exclude",
    "QC 0009?",
  ]);
  assert.deepEqual(
    names(two.file),
    generated(1000).map((q) => q.name).filter((s) =>
      (s.startsWith("QC 0001") || s.includes("0099")) && !/^QC 0009.$/.test(s)
    ),
  );
  assert.equal(two.calls.SearchQuickConnects, 1);
  assert.match(two.stderr, /name STARTS_WITH "QC 0001" or name CONTAINS "0099"/);
});

Deno.test("export.ts --type on the List path sends QuickConnectTypes: one page of 300, 300 Describes", async () => {
  const { emu, id } = await emulatorOf(1200);
  await using _ = emu;
  const all = await exportCli(emu, id, ["--no-search"]);
  assert.equal(all.calls.ListQuickConnects, 2, "1200 summaries take two pages of 1000");
  assert.equal(all.file.Filters, undefined, "no filters, no Filters member");
  assert.ok(!("Filters" in all.file));

  const flows = await exportCli(emu, id, ["--no-search", "--type", "FLOW"]);
  assert.equal(flows.calls.ListQuickConnects, 1, "only the 300 FLOW summaries are listed");
  assert.equal(flows.calls.DescribeQuickConnect, 300);
  assert.equal(flows.file.SuccessfulExports, 300);
  assert.ok(
    flows.file.QuickConnects.every((q) =>
      q.QuickConnect.QuickConnectConfig.QuickConnectType === "FLOW"
    ),
  );
  assert.equal(flows.calls.ListUsers, undefined, "no USER quick connect: no user names needed");

  // Search has no type field: it reads every page and the type is applied here.
  const viaSearch = await exportCli(emu, id, ["--type", "FLOW"]);
  assert.equal(viaSearch.calls.SearchQuickConnects, 12);
  assert.deepEqual(timeless(viaSearch.file), timeless(flows.file));
  assert.match(viaSearch.stderr, /--type is applied here \(Search has no type field\)/);
});

Deno.test("export.ts --tag: every tag must be there with its value; none matching is an empty file, exit 0", async () => {
  const { emu, id } = await emulatorOf(400);
  await using _ = emu;
  const both = await exportCli(emu, id, ["--tag", "Team=team-3", "--tag", "CostCenter=103"]);
  assert.deepEqual(
    names(both.file),
    generated(400).filter((q) => q.tags.Team === "team-3" && q.tags.CostCenter === "103")
      .map((q) => q.name),
  );
  assert.ok(both.file.QuickConnects.length > 0);
  for (const q of both.file.QuickConnects) {
    assert.equal(q.Tags.Team, "team-3");
    assert.equal(q.Tags.CostCenter, "103");
  }
  assert.match(both.stderr, /tag Team = "team-3" and tag CostCenter = "103"/);

  const listed = await exportCli(emu, id, [
    "--tag",
    "Team=team-3",
    "--tag",
    "CostCenter=103",
    "--no-search",
  ]);
  assert.deepEqual(timeless(listed.file), timeless(both.file));

  // Tag values are exact: another case, or a key the quick connect lacks, matches nothing.
  for (const tag of ["Team=TEAM-3", "Owner=team-3"]) {
    const none = await exportCli(emu, id, ["--tag", tag]);
    assert.equal(none.code, 0);
    assert.equal(none.file.TotalQuickConnects, 0);
    assert.deepEqual(none.file.QuickConnects, []);
    assert.ok(none.file.Filters);
    assert.match(none.stderr, /WARNING - No quick connects match the filters/);
  }
});

Deno.test("export.ts refuses bad filter values with exit 2 before any call", async () => {
  const { emu, id } = await emulatorOf(10);
  await using _ = emu;
  const cases: [string[], RegExp][] = [
    [
      ["--type", "AGENT"],
      /error: Invalid value for --type: "AGENT" \(expected a comma-separated list of: USER, QUEUE, PHONE_NUMBER, FLOW\)/,
    ],
    [["--type", "USER,,QUEUE"], /Invalid value for --type: ""/],
    [
      ["--tag", "Department"],
      /error: Invalid value for --tag: "Department" \(expected KEY=VALUE, e\.g\. Department=Sales\)/,
    ],
    [["--tag", "A=1", "--tag", "A=2"], /one value per key/],
    [["--include", ""], /error: Option --include needs a value/],
    [["--exclude"], /error: Option '--exclude <value>' argument missing/],
  ];
  for (const [args, re] of cases) {
    const dir = await Deno.makeTempDir();
    const r = await runCli(
      "export",
      ["--instance-id", id, "--endpoint-url", emu.url, ...args],
      dir,
      FAST,
    );
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, re);
    assert.match(r.stderr, /Run '.*--help' for the options/);
    assert.deepEqual([...Deno.readDirSync(dir)], [], "no log, no file");
  }
  assert.deepEqual(emu.calls(), {});
});

Deno.test("readQuickConnects() searches again without the conditions if the service refuses them", async () => {
  const { emu, id } = await emulatorOf(150);
  await using _ = emu;
  const run = await testContext(emu, id);
  // A service that rejects the request with conditions (their handling is partly
  // unverified) but serves it without them.
  const sent: unknown[] = [];
  run.ctx.client.middlewareStack.add(
    (next, context) => (args) => {
      const input = args.input as { SearchCriteria?: unknown };
      if (context.commandName === "SearchQuickConnectsCommand") {
        sent.push(input.SearchCriteria);
        if (input.SearchCriteria !== undefined) {
          const err = new Error("SearchCriteria is not supported");
          err.name = "InvalidParameterException";
          return Promise.reject(err);
        }
      }
      return next(args);
    },
    { step: "initialize", name: "refuseCriteria" },
  );
  const f = parseFilters({ include: ["QC 001*"], exclude: [], type: [], tag: [] }, "export");
  const n = toSearch(f);
  const read = await readQuickConnects({
    client: run.ctx.client,
    instanceId: run.ctx.instanceId,
    logger: run.ctx.logger,
    details: true,
    isFatal: () => false,
    filters: f,
  });
  run.ctx.logger.close();
  assert.equal(read.mode, "search");
  assert.deepEqual(
    read.items.map((i) => i.name),
    generated(150).map((q) => q.name).filter((s) => s.startsWith("QC 001")),
  );
  assert.deepEqual(sent, [n.criteria, undefined, undefined]);
  assert.ok(
    run.lines.some((l) =>
      / - WARNING - SearchQuickConnects refused the request with name\/tag conditions \(InvalidParameterException/
        .test(l)
    ),
  );
});
