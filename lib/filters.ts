/**
 * Which quick connects a run moves (`--include`, `--exclude`, `--type`, `--tag`), parsed once
 * from the flags; one local matcher with the last word; and the part SearchQuickConnects can
 * express, sent for fewer pages. Search's handling of case is not documented
 * (docs/live-service.md §3): what it returns is judged again here, so every read path selects
 * the same.
 */
import type {
  QuickConnectSearchCriteria,
  QuickConnectSearchFilter,
  StringCondition,
  TagCondition,
} from "@aws-sdk/client-connect";
import { UsageError } from "./errors.ts";
import type { ExportFilters } from "./export_file.ts";
import { hasOneForm, nameKey } from "./names.ts";
import {
  isKnownType,
  isReservedTag,
  KNOWN_TYPES,
  type KnownType,
  LIMITS,
  TAG_KEY,
} from "./quick_connect.ts";

export interface Filters {
  /** Name globs: a quick connect must match at least one. Empty: every name. */
  readonly include: readonly string[];
  /** Name globs: a quick connect matching any of them is left out, included or not. */
  readonly exclude: readonly string[];
  /** Empty: every type. */
  readonly types: readonly KnownType[];
  /** Every pair must be on the quick connect with exactly this value. */
  readonly tags: Readonly<Record<string, string>>;
}

export const NO_FILTERS: Filters = { include: [], exclude: [], types: [], tags: {} };

export function isFiltering(f: Filters): boolean {
  return f.include.length > 0 || f.exclude.length > 0 || f.types.length > 0 ||
    Object.keys(f.tags).length > 0;
}

/** The filter flags as parsed: every occurrence of a repeatable flag, in order. */
export interface FilterFlags {
  include: readonly string[];
  exclude: readonly string[];
  type: readonly string[];
  tag: readonly string[];
}

export type FilterCommand = "export" | "import";

/** The Filters the flags ask for; a bad value is a UsageError (exit 2, before any call). */
export function parseFilters(flags: FilterFlags, command: FilterCommand): Filters {
  return {
    include: [...new Set(flags.include)],
    exclude: [...new Set(flags.exclude)],
    types: parseTypes(flags.type),
    tags: parseTags(flags.tag, command),
  };
}

/** `--type USER,QUEUE` (repeatable): the types, each once, checked against the type table. */
export function parseTypes(values: readonly string[]): KnownType[] {
  const out: KnownType[] = [];
  for (const value of values) {
    for (const part of value.split(",")) {
      const t = part.trim();
      if (!isKnownType(t)) {
        throw new UsageError(
          `Invalid value for --type: "${t}" (expected a comma-separated list of: ${
            KNOWN_TYPES.join(", ")
          })`,
        );
      }
      if (!out.includes(t)) out.push(t);
    }
  }
  return out;
}

/**
 * `--tag KEY=VALUE` (repeatable), split at the first `=`; the value may be empty. A key given
 * twice with two values is refused: a quick connect has one value per key.
 */
export function parseTags(
  values: readonly string[],
  command: FilterCommand,
): Record<string, string> {
  const tags = new Map<string, string>();
  for (const v of values) {
    const bad = (why: string) => new UsageError(`Invalid value for --tag: "${v}" (${why})`);
    const eq = v.indexOf("=");
    if (eq <= 0) throw bad("expected KEY=VALUE, e.g. Department=Sales");
    const key = v.slice(0, eq);
    const value = v.slice(eq + 1);
    if (key.length > LIMITS.tagKeyMax) {
      throw bad(`the key has ${key.length} characters, the limit is ${LIMITS.tagKeyMax}`);
    }
    if (!TAG_KEY.test(key)) {
      throw bad("the key has characters outside letters, digits, spaces and _ . : / + - @");
    }
    if (value.length > LIMITS.tagValueMax) {
      throw bad(`the value has ${value.length} characters, the limit is ${LIMITS.tagValueMax}`);
    }
    // The import drops aws: tags from every item (they cannot be set), so such a filter
    // would select nothing there.
    if (command === "import" && isReservedTag(key)) {
      throw bad("the import drops aws: tags, so it cannot select by them; filter the export");
    }
    const before = tags.get(key);
    if (before !== undefined && before !== value) {
      throw bad(`--tag ${key}=${before} is given too; a quick connect has one value per key`);
    }
    tags.set(key, value);
  }
  // fromEntries defines own properties: a key like __proto__ stays a plain key.
  return Object.fromEntries(tags);
}

const GLOB_CACHE = new Map<string, RegExp>();

/**
 * `*` is any run of characters (none too), `?` exactly one; the rest is literal and case
 * counts. Glob and name are compared in NFC, as names are (lib/names.ts), so `Café*`
 * selects "Café Desk" however either is spelled.
 */
export function globMatches(glob: string, name: string): boolean {
  let re = GLOB_CACHE.get(glob);
  if (!re) {
    const body = [...nameKey(glob)].map((c) =>
      c === "*" ? ".*" : c === "?" ? "." : /[\^$\\.+()[\]{}|/]/.test(c) ? `\\${c}` : c
    ).join("");
    // `s`: a name with a line break still matches; `u`: `?` is one character, not half of one.
    re = new RegExp(`^${body}$`, "su");
    GLOB_CACHE.set(glob, re);
  }
  return re.test(nameKey(name));
}

/** What a quick connect is judged on. */
interface Facts {
  name: string;
  /** Undefined: not known (yet); the type filter is then not applied. */
  type?: string;
  /** Undefined: not read yet (List before Describe); the tag filter is then not applied. */
  tags?: Readonly<Record<string, string>>;
}

/**
 * Whether a quick connect is selected. A fact left undefined is not judged: a caller sifts by
 * name and type before paying for a Describe, and calls again with the tags.
 */
export function matches(f: Filters, qc: Facts): boolean {
  if (f.include.length > 0 && !f.include.some((g) => globMatches(g, qc.name))) return false;
  if (f.exclude.some((g) => globMatches(g, qc.name))) return false;
  if (
    f.types.length > 0 && qc.type !== undefined &&
    !(f.types as readonly string[]).includes(qc.type)
  ) return false;
  const tags = qc.tags;
  if (tags !== undefined) {
    for (const [k, v] of Object.entries(f.tags)) {
      if (!Object.hasOwn(tags, k) || tags[k] !== v) return false;
    }
  }
  return true;
}

/**
 * The SearchQuickConnects condition for one name glob: `Foo` → EXACT, `Foo*` → STARTS_WITH,
 * `*Foo*` → CONTAINS, and `*Foo` → CONTAINS too (Search has no "ends with"; the glob
 * trims the rest here). "all" for a glob of stars only; undefined for one Search cannot
 * express (a `?`, a `*` inside the text, or text Unicode spells in more than one way:
 * Search may compare the spelling, and miss a name matched here in NFC).
 */
export function nameCondition(glob: string): StringCondition | "all" | undefined {
  if (glob.includes("?")) return undefined;
  const core = glob.replace(/^\*+/, "").replace(/\*+$/, "");
  if (core === "") return "all";
  if (core.includes("*") || !hasOneForm(core)) return undefined;
  const leading = glob.startsWith("*");
  const trailing = glob.endsWith("*");
  const ComparisonType = leading ? "CONTAINS" : trailing ? "STARTS_WITH" : "EXACT";
  return { FieldName: "name", Value: core, ComparisonType };
}

interface SearchNarrowing {
  /** Name conditions, OR-ed; undefined when no include can be sent. */
  criteria?: QuickConnectSearchCriteria;
  /** Tag conditions, AND-ed; undefined when there are none to send. */
  filter?: QuickConnectSearchFilter;
  /** Each filter that could not be sent, and why: for the log. */
  notSent: string[];
}

/**
 * What SearchQuickConnects can be asked, so it returns fewer pages. It may only ever
 * narrow to a superset of what `matches` selects: excludes are never sent (Search has no
 * NOT), nor types (it has no type field), and the includes only when every one of them
 * can be (they are OR-ed: one left out would lose its matches).
 */
export function toSearch(f: Filters): SearchNarrowing {
  const notSent: string[] = [];
  let criteria: QuickConnectSearchCriteria | undefined;
  const conditions = f.include.map((g) => ({ glob: g, c: nameCondition(g) }));
  const inexpressible = conditions.filter((x) => x.c === undefined).map((x) => x.glob);
  if (inexpressible.length > 0) {
    notSent.push(
      `${
        inexpressible.map((g) => `--include ${JSON.stringify(g)}`).join(", ")
      } cannot be expressed in SearchQuickConnects (a ?, a * inside the name, or letters Unicode spells two ways): every name is read`,
    );
  } else if (conditions.length > 0 && !conditions.some((x) => x.c === "all")) {
    const unique = new Map<string, StringCondition>();
    for (const { c } of conditions) if (c && c !== "all") unique.set(JSON.stringify(c), c);
    const list = [...unique.values()];
    criteria = list.length === 1
      ? { StringCondition: list[0] }
      : { OrConditions: list.map((c) => ({ StringCondition: c })) };
  }
  if (f.exclude.length > 0) notSent.push("--exclude is applied here (Search has no NOT)");
  if (f.types.length > 0) notSent.push("--type is applied here (Search has no type field)");
  const tagConditions: TagCondition[] = [];
  for (const [TagKey, TagValue] of Object.entries(f.tags)) {
    // An empty TagValue might read as "any value" or be refused: not worth the risk.
    if (TagValue === "") notSent.push(`--tag ${JSON.stringify(`${TagKey}=`)} is applied here`);
    else tagConditions.push({ TagKey, TagValue });
  }
  const filter: QuickConnectSearchFilter | undefined = tagConditions.length === 0
    ? undefined
    : tagConditions.length === 1
    ? { TagFilter: { TagCondition: tagConditions[0] } }
    : { TagFilter: { AndConditions: tagConditions } };
  return { criteria, filter, notSent };
}

/** `name STARTS_WITH "Sales" or name EXACT "VIP"; tag Department = "Sales"`, for the log. */
export function describeNarrowing(n: SearchNarrowing): string {
  const names = (n.criteria?.OrConditions ?? [n.criteria ?? {}])
    .flatMap((c) => c.StringCondition ? [c.StringCondition] : [])
    .map((s) => `name ${s.ComparisonType} ${JSON.stringify(s.Value)}`);
  const tf = n.filter?.TagFilter;
  const tags = [...(tf?.TagCondition ? [tf.TagCondition] : []), ...(tf?.AndConditions ?? [])]
    .map((t) => `tag ${t.TagKey} = ${JSON.stringify(t.TagValue)}`);
  return [names.join(" or "), tags.join(" and ")].filter(Boolean).join("; ");
}

/** The filters as flags, for the log: `--include "Sales*" --type USER,QUEUE --tag "A=b"`. */
export function describeFilters(f: Filters): string {
  return [
    ...f.include.map((g) => `--include ${JSON.stringify(g)}`),
    ...f.exclude.map((g) => `--exclude ${JSON.stringify(g)}`),
    ...(f.types.length > 0 ? [`--type ${f.types.join(",")}`] : []),
    ...Object.entries(f.tags).map(([k, v]) => `--tag ${JSON.stringify(`${k}=${v}`)}`),
  ].join(" ");
}

/** The export file's `Filters` member; undefined (left out) when nothing was filtered. */
export function toExportFilters(f: Filters): ExportFilters | undefined {
  if (!isFiltering(f)) return undefined;
  return {
    Include: [...f.include],
    Exclude: [...f.exclude],
    Types: [...f.types],
    Tags: Object.fromEntries(Object.entries(f.tags)),
  };
}

/**
 * An item of an export file as the import loaded it: a valid one (name, config, tags
 * without `aws:` keys) or an invalid one (its raw JSON, and its name when usable).
 */
export interface FileItem {
  name?: string;
  config?: { QuickConnectType?: string };
  tags?: Readonly<Record<string, string>>;
  raw?: unknown;
}

const asRecord = (v: unknown) =>
  typeof v === "object" && v !== null && !Array.isArray(v)
    ? v as Record<string, unknown>
    : undefined;

/**
 * What an item can be judged on. An invalid item is judged on what of it is readable:
 * without a usable name it is not judged at all, and a type or tags it does not carry
 * readably are not judged, so it stays and fails as it would unfiltered.
 */
export function fileItemFacts(item: FileItem): Facts | undefined {
  if (item.name === undefined) return undefined;
  if (item.config) {
    return { name: item.name, type: item.config.QuickConnectType, tags: item.tags ?? {} };
  }
  const raw = asRecord(item.raw);
  const type = asRecord(asRecord(raw?.QuickConnect)?.QuickConnectConfig)?.QuickConnectType;
  // The file format reads absent and null tags as none (lib/import/input.ts).
  const rawTags = raw && (raw.Tags === undefined || raw.Tags === null) ? {} : asRecord(raw?.Tags);
  const tags = rawTags && Object.values(rawTags).every((v) => typeof v === "string")
    ? rawTags as Record<string, string>
    : undefined;
  return { name: item.name, type: typeof type === "string" ? type : undefined, tags };
}

/** The items the filters select, in file order (each keeps its index in the file). */
export function selectFileItems<T extends FileItem>(f: Filters, items: readonly T[]): T[] {
  return items.filter((it) => {
    const facts = fileItemFacts(it);
    return facts === undefined || matches(f, facts);
  });
}
