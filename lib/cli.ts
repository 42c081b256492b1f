/**
 * Flag parsing for both entrypoints on node:util parseArgs, with generated help and
 * errors that name the flag. Anything wrong here is a UsageError (exit 2).
 */
import { parseArgs } from "node:util";
import { UsageError } from "./errors.ts";

export interface FlagSpec {
  name: string;
  type: "string" | "boolean";
  help: string;
  /** Shown in help as `--name VALUE`. */
  value?: string;
  required?: boolean;
  choices?: readonly string[];
  default?: string;
}

export interface CommandSpec {
  usage: string;
  description: string;
  flags: readonly FlagSpec[];
  /** Free text after the flag list (examples, exit codes). */
  epilog?: string;
}

/** Flags both entrypoints share. */
export const COMMON_FLAGS: readonly FlagSpec[] = [
  {
    name: "instance-id",
    type: "string",
    value: "ID",
    required: true,
    help: "Amazon Connect instance ID or instance ARN",
  },
  {
    name: "region",
    type: "string",
    value: "REGION",
    help:
      "AWS Region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else us-east-1)",
  },
  {
    name: "profile",
    type: "string",
    value: "NAME",
    help: "named profile from ~/.aws/config (SSO and assume-role profiles work)",
  },
  {
    name: "endpoint-url",
    type: "string",
    value: "URL",
    help: "send API calls to this endpoint (VPC endpoint, or the bundled emulator)",
  },
  {
    name: "log-file",
    type: "string",
    value: "PATH",
    help: "append the log here instead of the default file in the working directory",
  },
  { name: "verbose", type: "boolean", help: "also log DEBUG lines" },
  { name: "help", type: "boolean", help: "show this help and exit" },
  { name: "version", type: "boolean", help: "print the version and exit" },
];

export function helpText(spec: CommandSpec): string {
  const rows = spec.flags.map((f) => {
    const left = `  --${f.name}${f.value ? ` ${f.value}` : ""}`;
    const extra = [
      f.required ? "required" : "",
      f.choices ? `one of: ${f.choices.join(", ")}` : "",
      f.default !== undefined ? `default: ${f.default}` : "",
    ].filter(Boolean).join("; ");
    return `${left.padEnd(30)} ${f.help}${extra ? ` (${extra})` : ""}`;
  });
  return [
    `Usage: ${spec.usage}`,
    "",
    spec.description,
    "",
    "Options:",
    ...rows,
    ...(spec.epilog ? ["", spec.epilog] : []),
    "",
  ].join("\n");
}

export type ParsedFlags = Record<string, string | boolean | undefined>;

/**
 * Parses argv. Returns `{ help: true }` or `{ version: true }` early, without checking
 * required flags, so `--help` always works.
 */
export function parseFlags(spec: CommandSpec, argv: readonly string[]): ParsedFlags {
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const f of spec.flags) options[f.name] = { type: f.type };
  let values: ParsedFlags;
  try {
    const parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    values = parsed.values as ParsedFlags;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new UsageError(`${msg.replace(/\. To specify.*$/s, "")} (see --help)`);
  }
  if (values.help || values.version) return values;
  for (const f of spec.flags) {
    const v = values[f.name];
    if (f.type === "string" && typeof v === "string" && v.trim() === "") {
      throw new UsageError(`Option --${f.name} needs a value (see --help)`);
    }
    if (f.required && v === undefined) {
      throw new UsageError(`Missing required option --${f.name} (see --help)`);
    }
    if (f.choices && typeof v === "string" && !f.choices.includes(v)) {
      throw new UsageError(
        `Invalid value for --${f.name}: "${v}" (expected one of: ${f.choices.join(", ")})`,
      );
    }
    if (v === undefined && f.default !== undefined) values[f.name] = f.default;
  }
  return values;
}

export function str(values: ParsedFlags, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}
