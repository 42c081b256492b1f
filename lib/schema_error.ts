/** A file's schema problems as a user reads them: where in the file, and what is wrong. */
import { UsageError } from "./errors.ts";

/** A zod issue, or a check's finding in the same form. */
export interface Problem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** `QuickConnects[3].QuickConnect.Tags["a b"]` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(String(p))) out += out ? `.${String(p)}` : String(p);
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

/** Each problem as `where: message`, its path below `prefix`. */
export function problemLines(
  problems: readonly Problem[],
  prefix: readonly PropertyKey[] = [],
): string[] {
  return problems.map((p) => {
    const where = formatPath([...prefix, ...p.path]);
    return where ? `${where}: ${p.message}` : p.message;
  });
}

/**
 * The refusal (exit 2) of a file that fails its schema: `lead: where: message` for the first
 * problem (a file is fixed one at a time); `where` may word a path its own way.
 */
export function schemaError(
  lead: string,
  problems: readonly Problem[],
  where: (path: readonly PropertyKey[]) => string = formatPath,
): UsageError {
  const first = problems[0];
  if (!first) return new UsageError(`${lead}: unreadable`);
  const at = first.path.length > 0 ? `${where(first.path)}: ` : "";
  return new UsageError(`${lead}: ${at}${first.message}`);
}
