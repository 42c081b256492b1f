/**
 * Typed flags on node:util parseArgs. A command declares its flags once, in a table: each
 * flag's type (string, boolean, number, one of the choices), its constraints, and the rules
 * between flags (what a flag needs, what it does not go with, which of the command's
 * sources it belongs to). The parsed values get their types from the table, help text is
 * generated from it, and anything that breaks a rule is a UsageError, before any file or
 * call.
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import { type FilterCommand, parseTags, parseTypes } from "../filters.ts";
import { KNOWN_TYPES } from "../quick_connect.ts";

interface FlagSpec {
  type: "string" | "boolean" | "number";
  help: string;
  /** Shown in help as `--name VALUE`. */
  value?: string;
  required?: boolean;
  choices?: readonly string[];
  /** A number for a `number` flag, a string (one of `choices`, if any) otherwise. */
  default?: string | number;
  short?: string;
  /** A string flag given any number of times: every occurrence, in order ([] when absent). */
  multiple?: boolean;
  /** Checks the flag's values once parsed (UsageError), like an unknown flag is refused. */
  check?: (values: readonly string[]) => void;
  /** A `number` flag: whole numbers only, the smallest value, what a valid one looks like. */
  integer?: boolean;
  min?: number;
  expected?: string;
  /** Flags this one needs when given (`--plan-out goes with --dry-run`), or cannot go with. */
  requires?: readonly string[];
  conflicts?: readonly string[];
  /**
   * One of the command's sources, what the run works from: exactly one must be given. `why`
   * says why a flag that does not go with it is refused.
   */
  source?: { why?: string };
  /** The sources this flag goes with when given explicitly (default: all of them). */
  modes?: readonly string[];
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type ValueOf<F extends FlagSpec> = F extends { multiple: true } ? string[]
  : F["type"] extends "boolean" ? boolean
  : F["type"] extends "number" ? (F extends { default: number } ? number : number | undefined)
  : F extends { choices: readonly (infer C)[] }
    ? (F extends { default: string } ? C : C | undefined)
  : F extends { required: true } | { default: string } ? string
  : string | undefined;

export type Flags<S extends FlagSpecs> = { -readonly [K in keyof S]: ValueOf<S[K]> };

/** What parsing asked for: the help, the version, or a run with these flag values. */
export type Outcome<V> = { kind: "help" | "version" } | { kind: "run"; flags: V };

/** The flags both commands share; each command puts its own between these two groups. */
export const TARGET_FLAG = {
  "instance-id": {
    type: "string",
    value: "ID",
    required: true,
    help: "Amazon Connect instance ID or instance ARN",
  },
} as const satisfies FlagSpecs;

/**
 * `--include`, `--exclude`, `--type`, `--tag`: which quick connects a run moves
 * (lib/filters.ts), with the sources they go with. A bad type or tag is refused at parse time.
 */
export function filterFlags(command: FilterCommand, modes: { modes?: readonly string[] } = {}) {
  return {
    include: {
      ...modes,
      type: "string",
      value: "GLOB",
      multiple: true,
      help: "only quick connects whose name matches (* any characters, ? one character; " +
        "case-sensitive); given several times: any of them",
    },
    exclude: {
      ...modes,
      type: "string",
      value: "GLOB",
      multiple: true,
      help: "leave out quick connects whose name matches; wins over --include",
    },
    type: {
      ...modes,
      type: "string",
      value: "TYPE,…",
      multiple: true,
      help: `only these types (${KNOWN_TYPES.join(", ")})`,
      check: (values: readonly string[]) => void parseTypes(values),
    },
    tag: {
      ...modes,
      type: "string",
      value: "KEY=VALUE",
      multiple: true,
      help: "only quick connects with this tag and exactly this value; given several times: " +
        "all of them",
      check: (values: readonly string[]) => void parseTags(values, command),
    },
  } as const satisfies FlagSpecs;
}

export const COMMON_FLAGS = {
  region: {
    type: "string",
    value: "REGION",
    help: "AWS Region (default: AWS_REGION, AWS_DEFAULT_REGION, the Region of an instance " +
      "ARN, the profile's region, else us-east-1)",
  },
  profile: {
    type: "string",
    value: "NAME",
    help: "named profile from ~/.aws/config (SSO and assume-role profiles work)",
  },
  "endpoint-url": {
    type: "string",
    value: "URL",
    help: "send API calls to this endpoint (VPC endpoint, or the bundled emulator); wins over " +
      "AWS_ENDPOINT_URL_CONNECT, AWS_ENDPOINT_URL and the profile's endpoint_url",
  },
  "connect-timeout": {
    type: "number",
    min: 0,
    expected: "a number of seconds such as 10, or 0 for no limit",
    value: "SECONDS",
    help: "give up an attempt that has not connected to the endpoint after this long " +
      "(0: no limit; default: 10)",
  },
  "read-timeout": {
    type: "number",
    min: 0,
    expected: "a number of seconds such as 30, or 0 for no limit",
    value: "SECONDS",
    help: "give up an attempt once the endpoint has sent nothing for this long " +
      "(0: no limit; default: 30); a call is tried 4 times, then the run stops (exit 3)",
  },
  "log-file": {
    type: "string",
    value: "PATH",
    help: "append the log here instead of the default file in the current folder",
  },
  verbose: { type: "boolean", help: "also log DEBUG lines" },
  help: { type: "boolean", short: "h", help: "show this help and exit" },
  version: { type: "boolean", help: "print the version and exit" },
} as const satisfies FlagSpecs;

/** What parseArgs hands back: strings, booleans, arrays of strings for repeatable flags. */
type Raw = Record<string, string | boolean | (string | boolean)[] | undefined>;
type Value = string | boolean | number | string[] | undefined;

/**
 * Parses argv against the table, then checks every value and every rule between flags.
 * `--help` and `--version` win over everything but an unknown flag, even missing flags.
 */
export function parseFlags<S extends FlagSpecs>(
  specs: S,
  argv: readonly string[],
): Outcome<Flags<S>> {
  checkTable(specs);
  const raw = parseRaw(specs, argv);
  if (raw.help === true) return { kind: "help" };
  if (raw.version === true) return { kind: "version" };
  const values: Record<string, Value> = {};
  for (const [name, f] of Object.entries(specs)) values[name] = valueOf(name, f, raw[name]);
  // Explicitly given, as opposed to a default: the rules between flags are about these.
  checkRules(specs, Object.keys(specs).filter((name) => raw[name] !== undefined));
  // Each value was made from its spec above, so it has the type Flags<S> gives it.
  return { kind: "run", flags: values as Flags<S> };
}

function parseRaw(specs: FlagSpecs, argv: readonly string[]): Raw {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, f]) => [name, {
      type: f.type === "boolean" ? "boolean" as const : "string" as const,
      ...(f.short ? { short: f.short } : {}),
      ...(f.multiple ? { multiple: true } : {}),
    }]),
  );
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(parseError(err instanceof Error ? err.message : String(err), specs));
  }
}

/** parseArgs' message in one line, with what to do instead where it helps. */
function parseError(message: string, specs: FlagSpecs): string {
  const msg = (message.split("\n")[0] ?? "").replace(/\. To specify.*$/, "").replace(/\.$/, "");
  const unknown = /^Unknown option '--([^'=]+)'/.exec(msg)?.[1];
  const near = unknown === undefined ? undefined : nearestFlag(unknown, Object.keys(specs));
  if (near) return `${msg}: did you mean --${near}?`;
  const ambiguous = /^Option '(--[^']+)' argument is ambiguous/.exec(msg)?.[1];
  if (ambiguous) {
    return `Option ${ambiguous} needs a value (one that starts with "-" is given as ${ambiguous}=VALUE)`;
  }
  return msg;
}

/** One flag's value: checked, converted to its type, or its default when not given. */
function valueOf(name: string, f: FlagSpec, v: Raw[string]): Value {
  const given = Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : [];
  if (f.type !== "boolean" && given.some((s) => s.trim() === "")) {
    throw new UsageError(`Option --${name} needs a value`);
  }
  if (f.required && v === undefined) throw new UsageError(`Missing required option --${name}`);
  if (f.choices && typeof v === "string" && !f.choices.includes(v)) {
    throw new UsageError(
      `Invalid value for --${name}: "${v}" (expected one of: ${f.choices.join(", ")})`,
    );
  }
  if (f.check && given.length > 0) f.check(given);
  if (v === undefined) return f.multiple ? [] : f.type === "boolean" ? false : f.default;
  if (f.type === "number" && typeof v === "string") return numberOf(name, f, v);
  return Array.isArray(v) ? given : v;
}

function numberOf(name: string, f: FlagSpec, v: string): number {
  // Number() alone would take "0x10", "1e3" and "Infinity": only plain decimals are numbers here.
  const n = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || (f.integer && !Number.isInteger(n)) || n < (f.min ?? -Infinity)) {
    const expected = f.expected ?? (f.integer ? "a whole number" : "a number");
    throw new UsageError(`Invalid value for --${name}: "${v}" (expected ${expected})`);
  }
  return n;
}

const flagList = (names: readonly string[], last: string) =>
  names.map((n) => `--${n}`).join(", ").replace(/, ([^,]*)$/, ` ${last} $1`);

/** The rules between flags, over the flags given explicitly (in table order). */
function checkRules(specs: FlagSpecs, given: readonly string[]): void {
  const sources = Object.keys(specs).filter((name) => specs[name]?.source);
  const chosen = given.filter((name) => specs[name]?.source);
  if (sources.length > 0 && chosen.length !== 1) {
    const others = sources.slice(1).map((s) => `or --${s}`).join(", ");
    throw new UsageError(
      chosen.length === 0
        ? `Missing required option --${sources[0]} (${others})`
        : `Give one of ${flagList(sources, "and")}: each says what to do on its own`,
    );
  }
  const source = chosen[0];
  for (const name of given) {
    const f = specs[name];
    const missing = f?.requires?.find((r) => !given.includes(r));
    if (missing) throw new UsageError(`--${name} goes with --${missing}`);
  }
  for (const name of given) {
    const modes = specs[name]?.modes;
    if (source !== undefined && modes && !modes.includes(source)) {
      const why = specs[source]?.source?.why;
      throw new UsageError(`--${name} does not go with --${source}${why ? `: ${why}` : ""}`);
    }
  }
  for (const name of given) {
    const other = specs[name]?.conflicts?.find((c) => given.includes(c));
    if (other) throw new UsageError(`--${name} does not go with --${other}`);
  }
}

/** A rule naming a flag the table lacks is a bug in the table, not the user's mistake. */
function checkTable(specs: FlagSpecs): void {
  for (const [name, f] of Object.entries(specs)) {
    for (const other of [...(f.requires ?? []), ...(f.conflicts ?? []), ...(f.modes ?? [])]) {
      if (!(other in specs)) throw new Error(`Flag table: --${name} names unknown --${other}`);
    }
    if (f.modes?.some((m) => !specs[m]?.source)) {
      throw new Error(`Flag table: the modes of --${name} must be source flags`);
    }
  }
}

/**
 * The known flag a mistyped one most likely meant: one it is a prefix of (`--instance` →
 * `--instance-id`), else the closest by edit distance if at most a third of it differs.
 */
export function nearestFlag(typed: string, known: readonly string[]): string | undefined {
  const t = typed.toLowerCase();
  const prefixed = t.length >= 3 ? known.filter((k) => k.startsWith(t)) : [];
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(t.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(t, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

const WIDTH = 100;
const NBSP = "\u00a0";
const LEFT = 30;

/** Wraps `text` to WIDTH columns, continuation lines indented by `indent`. */
function wrap(text: string, indent: number, first = ""): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/[ \t\n]+/).filter(Boolean)) {
    if (line.trim() !== "" && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = " ".repeat(indent) + word;
    } else {
      line = line.length === 0 || line.endsWith(" ") ? line + word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}

export interface HelpText {
  /** One line per form of the command, the first after "Usage:". */
  usage: readonly string[];
  description: string;
  /** Free text after the flag list: kept as written (its lines are checked by a test). */
  epilog: string;
}

/** What the table says of a flag besides its help: required, choices, default, rules. */
function notes(specs: FlagSpecs, f: FlagSpec): string[] {
  const sources = Object.keys(specs).filter((name) => specs[name]?.source);
  const excluded = f.modes ? sources.filter((s) => !f.modes?.includes(s)) : [];
  return [
    f.required ? "required" : "",
    f.choices ? `one of: ${f.choices.join(", ")}` : "",
    f.default !== undefined ? `default: ${f.default}` : "",
    f.requires?.length ? `only with ${flagList(f.requires, "and")}` : "",
    excluded.length ? `not with ${flagList(excluded, "or")}` : "",
    f.conflicts?.length ? `not with ${flagList(f.conflicts, "or")}` : "",
  ].filter(Boolean);
}

/** What the tools are for, beside the replication AWS offers itself (both commands' help). */
const PURPOSE = `(Amazon Connect is now named Amazon Connect Customer; its API is unchanged.) These
tools are for promotion between instances, migration across accounts or Regions, backups, and one
department at a time; for a standby copy of a whole instance, use Amazon Connect Global
Resiliency (ACGR) where its Region pairs apply.`;

export function helpText(specs: FlagSpecs, help: HelpText): string {
  const rows = Object.entries(specs).flatMap(([name, f]) => {
    const short = f.short ? `-${f.short}, ` : "";
    const value = `${f.value ? ` ${f.value}` : ""}${f.multiple ? " (repeatable)" : ""}`;
    const left = `  ${short}--${name}${value}`;
    // Each note is kept on one line: "one of: skip, update, fail" reads as a unit.
    const extra = notes(specs, f).map((n) => n.replaceAll(" ", NBSP)).join("; ");
    const text = `${f.help}${extra ? ` (${extra})` : ""}`;
    // A left column too wide for its place gets a line of its own, so the texts stay aligned.
    const lines = left.length < LEFT
      ? wrap(text, LEFT + 1, left.padEnd(LEFT) + " ")
      : [left, ...wrap(text, LEFT + 1, " ".repeat(LEFT + 1))];
    return lines.map((l) => l.replaceAll(NBSP, " "));
  });
  return [
    ...help.usage.map((u, i) => `${i === 0 ? "Usage: " : "       "}${u}`),
    "",
    help.description,
    "",
    PURPOSE,
    "",
    "Options:",
    ...rows,
    "",
    help.epilog,
    "",
  ].join("\n");
}
