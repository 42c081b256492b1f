/**
 * Typed flags on node:util parseArgs: a command declares its flags once, and the parsed
 * values get their types from that declaration (string, boolean, or one of the choices).
 * Help text is generated from the same declaration. Anything wrong is a UsageError.
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import { type FilterCommand, parseTags, parseTypes } from "../filters.ts";
import { KNOWN_TYPES } from "../quick_connect.ts";

export interface FlagSpec {
  type: "string" | "boolean";
  help: string;
  /** Shown in help as `--name VALUE`. */
  value?: string;
  required?: boolean;
  choices?: readonly string[];
  default?: string;
  short?: string;
  /**
   * A string flag that may be given more than once: its value is every occurrence, in
   * order (`string[]`, [] when absent). Help shows it as `--name VALUE (repeatable)`.
   */
  multiple?: boolean;
  /**
   * Checks the flag's values (each occurrence, or the one value) once parsing succeeded,
   * throwing UsageError: a bad value is then refused like an unknown flag, before any
   * file or call.
   */
  check?: (values: readonly string[]) => void;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type ValueOf<F extends FlagSpec> = F extends { multiple: true } ? string[]
  : F["type"] extends "boolean" ? boolean
  : F extends { choices: readonly (infer C)[] }
    ? (F extends { default: string } ? C : C | undefined)
  : F extends { required: true } | { default: string } ? string
  : string | undefined;

export type Flags<S extends FlagSpecs> = { -readonly [K in keyof S]: ValueOf<S[K]> };

export type Parsed<S extends FlagSpecs> =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "run"; flags: Flags<S> };

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
 * (lib/filters.ts). A bad type or tag is refused at parse time, like a bad choice.
 */
export function filterFlags(command: FilterCommand) {
  return {
    include: {
      type: "string",
      value: "GLOB",
      multiple: true,
      help: "only quick connects whose name matches (* any characters, ? one character; " +
        "case-sensitive); given several times: any of them",
    },
    exclude: {
      type: "string",
      value: "GLOB",
      multiple: true,
      help: "leave out quick connects whose name matches; wins over --include",
    },
    type: {
      type: "string",
      value: "TYPE,…",
      multiple: true,
      help: `only these types (${KNOWN_TYPES.join(", ")})`,
      check: (values: readonly string[]) => void parseTypes(values),
    },
    tag: {
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
    help: "send API calls to this endpoint (VPC endpoint, or the bundled emulator)",
  },
  "connect-timeout": {
    type: "string",
    value: "SECONDS",
    help: "give up an attempt that has not connected to the endpoint after this long " +
      "(0: no limit; default: 10)",
  },
  "read-timeout": {
    type: "string",
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

/** Parses argv. `--help` and `--version` win over everything, even missing flags. */
export function parseFlags<S extends FlagSpecs>(specs: S, argv: readonly string[]): Parsed<S> {
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean }
  > = {};
  for (const [name, f] of Object.entries(specs)) {
    options[name] = {
      type: f.type,
      ...(f.short ? { short: f.short } : {}),
      ...(f.multiple ? { multiple: true } : {}),
    };
  }
  // Only string flags are declared repeatable, so an array holds strings.
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new UsageError(msg.replace(/\. To specify.*$/s, "").replace(/\.$/, ""));
  }
  if (values.help === true) return { kind: "help" };
  if (values.version === true) return { kind: "version" };
  for (const [name, f] of Object.entries(specs)) {
    const v = values[name];
    const given = Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : [];
    if (f.type === "string" && given.some((s) => s.trim() === "")) {
      throw new UsageError(`Option --${name} needs a value`);
    }
    if (f.required && v === undefined) throw new UsageError(`Missing required option --${name}`);
    if (f.choices && typeof v === "string" && !f.choices.includes(v)) {
      throw new UsageError(
        `Invalid value for --${name}: "${v}" (expected one of: ${f.choices.join(", ")})`,
      );
    }
    if (f.check && given.length > 0) f.check(given);
    if (v === undefined) {
      values[name] = f.multiple ? [] : f.type === "boolean" ? false : f.default;
    }
  }
  return { kind: "run", flags: values as Flags<S> };
}

const WIDTH = 100;
const NBSP = "\u00a0";
const LEFT = 30;

/** Wraps `text` to WIDTH columns, continuation lines indented by `indent`. */
export function wrap(text: string, indent: number, first = ""): string[] {
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

export function helpText(specs: FlagSpecs, help: HelpText): string {
  const rows = Object.entries(specs).flatMap(([name, f]) => {
    const short = f.short ? `-${f.short}, ` : "";
    const left = `  ${short}--${name}${f.value ? ` ${f.value}` : ""}${
      f.multiple ? " (repeatable)" : ""
    }`;
    const extra = [
      f.required ? "required" : "",
      f.choices ? `one of: ${f.choices.join(", ")}` : "",
      f.default !== undefined ? `default: ${f.default}` : "",
    ].filter(Boolean).join("; ");
    // The parenthesis is kept on one line: "one of: skip, update, fail" reads as a unit.
    const text = `${f.help}${extra ? ` (${extra.replaceAll(" ", NBSP)})` : ""}`;
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
    "Options:",
    ...rows,
    "",
    help.epilog,
    "",
  ].join("\n");
}
