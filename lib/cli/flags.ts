/**
 * Typed flags on node:util parseArgs: a command declares its flags once, and the parsed
 * values get their types from that declaration (string, boolean, or one of the choices).
 * Help text is generated from the same declaration. Anything wrong is a UsageError.
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";

export interface FlagSpec {
  type: "string" | "boolean";
  help: string;
  /** Shown in help as `--name VALUE`. */
  value?: string;
  required?: boolean;
  choices?: readonly string[];
  default?: string;
  short?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type ValueOf<F extends FlagSpec> = F["type"] extends "boolean" ? boolean
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
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const [name, f] of Object.entries(specs)) {
    options[name] = f.short ? { type: f.type, short: f.short } : { type: f.type };
  }
  let values: Record<string, string | boolean | undefined>;
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
    if (f.type === "string" && typeof v === "string" && v.trim() === "") {
      throw new UsageError(`Option --${name} needs a value`);
    }
    if (f.required && v === undefined) throw new UsageError(`Missing required option --${name}`);
    if (f.choices && typeof v === "string" && !f.choices.includes(v)) {
      throw new UsageError(
        `Invalid value for --${name}: "${v}" (expected one of: ${f.choices.join(", ")})`,
      );
    }
    if (v === undefined) values[name] = f.type === "boolean" ? false : f.default;
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
    const left = `  ${short}--${name}${f.value ? ` ${f.value}` : ""}`;
    const extra = [
      f.required ? "required" : "",
      f.choices ? `one of: ${f.choices.join(", ")}` : "",
      f.default !== undefined ? `default: ${f.default}` : "",
    ].filter(Boolean).join("; ");
    // The parenthesis is kept on one line: "one of: skip, update, fail" reads as a unit.
    const text = `${f.help}${extra ? ` (${extra.replaceAll(" ", NBSP)})` : ""}`;
    return wrap(text, LEFT + 1, left.length < LEFT ? left.padEnd(LEFT) + " " : `${left}  `)
      .map((l) => l.replaceAll(NBSP, " "));
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
