/**
 * The JSON files the tools read and write, told apart by their top-level members: a file
 * given to the wrong flag is named for what it is, with the flag it goes with, instead of
 * failing on its first missing field.
 */
import { UsageError } from "../errors.ts";
import { MAPPING_SECTIONS } from "./mapping.ts";

type FileKind = "export" | "plan" | "report" | "mapping";

/** What kind of file a parsed JSON value is, by its top-level members; undefined when none fits. */
export function kindOf(value: unknown): FileKind | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const keys = new Set(Object.keys(value));
  const any = (...names: string[]) => names.some((n) => keys.has(n));
  // Only export files have QuickConnects: one with odd extra members is still one.
  if (keys.has("QuickConnects")) return "export";
  if (any("PlanFormat", "Plan")) return "plan";
  if (any("Summary", "Items", "StartedAt")) return "report";
  if (keys.has("ExportTimestamp")) return "export";
  const sections: readonly string[] = MAPPING_SECTIONS;
  if (keys.size > 0 && [...keys].every((k) => sections.includes(k))) return "mapping";
  return undefined;
}

/** What each kind is, and how it is named where another was expected (before the brackets). */
const IS: Record<FileKind, string> = {
  export: "an export file (written by export)",
  plan: "a saved plan (--dry-run --plan-out)",
  report: "an import report (--report)",
  mapping: "a mapping file (--mapping)",
};

const USE: Record<FileKind, (file: string) => string> = {
  export: (f) => `to import it, use --export-file ${f} (with --dry-run --plan-out to save a plan)`,
  plan: (f) => `to apply it, use --plan ${f}`,
  report: (f) => `to reverse that run, use --undo ${f}`,
  mapping: (f) => `use it with --mapping ${f}, beside --export-file`,
};

/** A path as it can be pasted into a shell. */
function quoted(path: string): string {
  return /^[\w./:@%+=,-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

/** The refusal of a `have` file where a `want` file was expected (exit 2). */
export function wrongKind(have: FileKind, want: FileKind, shown: string): UsageError {
  const not = IS[want].replace(/ \(.*\)$/, "");
  return new UsageError(`"${shown}" is ${IS[have]}, not ${not}: ${USE[have](quoted(shown))}`);
}
