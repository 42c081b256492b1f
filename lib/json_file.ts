/**
 * JSON files in and out. Reads fail with a UsageError naming the file; writes go through a
 * temp file (a forced stop removes those still open), so no reader sees half a file, and
 * replace only --force's paths, atomically.
 */
import { UsageError } from "./errors.ts";
import { duplicateKey } from "./json_stream.ts";

const MODE = 0o600; // export files and reports hold phone numbers
const pending = new Set<string>();
const encoder = new TextEncoder();

/** Reads a JSON file ("-": stdin); a key twice in one object is refused (JSON.parse keeps one). */
export async function readJson(path: string, what: string, shown = path): Promise<unknown> {
  const text = await readJsonText(path, what, shown);
  const value = parseJson(text, what, shown);
  const dup = duplicateKey(text);
  if (dup) {
    throw new UsageError(
      `Invalid ${what} "${shown}": ${JSON.stringify(dup.key)} appears twice ${
        dup.where ? `in ${dup.where}` : "at the top level"
      } (lines ${dup.lines.join(" and ")}); JSON would keep only the last one: merge them into one`,
    );
  }
  return value;
}

/** A JSON file's text ("-": standard input), without a byte order mark; UsageError if unreadable. */
export async function readJsonText(path: string, what: string, shown = path): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = path === "-"
      ? await new Response(Deno.stdin.readable).bytes()
      : await Deno.readFile(path);
  } catch (err) {
    const reason = err instanceof Deno.errors.NotFound
      ? "file does not exist"
      : err instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : err instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : err instanceof Error
      ? err.message
      : String(err);
    throw new UsageError(`Cannot read ${what} "${shown}": ${reason}`);
  }
  // JSON starts with ASCII: a NUL among the first bytes, or a UTF-16 byte order mark, is a
  // wide encoding (what Windows PowerShell 5's `>` and Out-File write), not bad JSON.
  const [a, b, c, d] = bytes;
  if (bytes.subarray(0, 4).includes(0) || a === 0xff && b === 0xfe || a === 0xfe && b === 0xff) {
    throw new UsageError(
      `Invalid ${what} "${shown}": it is ${
        a === 0 && b === 0 || c === 0 && d === 0 ? "UTF-32" : "UTF-16"
      } encoded; save it as UTF-8 (in PowerShell: Out-File -Encoding utf8)`,
    );
  }
  // The decoder drops a UTF-8 byte order mark (Windows editors may save one).
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === "") throw new UsageError(`Invalid ${what} "${shown}": the file is empty`);
  return text;
}

/** JSON.parse, with a UsageError naming the file. */
export function parseJson(text: string, what: string, shown: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new UsageError(`Invalid ${what} "${shown}": not valid JSON (${msg})`);
  }
}

function tempName(path: string): string {
  return `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * Paths this run may replace: those --force names (lib/cli/run_cli.ts). Every other write
 * creates its file exclusively: a check before the run leaves a race with other runs.
 */
const replaceable = new Set<string>();

export const allowReplacing = (path: string): void => void replaceable.add(path);
export const mayReplace = (path: string): boolean => replaceable.has(path);

/** A write found its name taken by a file this run did not create. */
export class FileExistsError extends Error {
  override name = "FileExistsError";
  constructor(readonly path: string) {
    super(`"${path}" already exists (another run or program created it): not replaced`);
  }
}

interface WriteMode {
  /** Replace an existing file (atomically). Default: only the paths allowReplacing named. */
  replace?: boolean;
  /** When the name is taken, use `NAME_2.EXT`, `NAME_3.EXT`… instead of failing. */
  rename?: boolean;
}

/** `dir/name.json`, 2 → `dir/name_2.json` (1: the name itself). */
export function numbered(path: string, n: number): string {
  if (n === 1) return path;
  const dot = path.lastIndexOf(".");
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return dot > slash + 1 ? `${path.slice(0, dot)}_${n}${path.slice(dot)}` : `${path}_${n}`;
}

/**
 * Puts the finished temp file at `path` (returned; with `rename`, maybe a numbered one):
 * renamed over it when replacing, else hard-linked, which fails if the name exists.
 * Synchronous for every write: a link or a rename is one system call.
 */
function publishSync(tmp: string, path: string, mode: WriteMode): string {
  if (mode.replace ?? replaceable.has(path)) {
    Deno.renameSync(tmp, path);
    return path;
  }
  for (let n = 1; n <= (mode.rename ? 1000 : 1); n++) {
    const name = numbered(path, n);
    try {
      linkOrCopySync(tmp, name);
    } catch (err) {
      if (err instanceof Deno.errors.AlreadyExists) continue;
      throw err;
    }
    Deno.removeSync(tmp);
    return name;
  }
  throw new FileExistsError(path);
}

/** Deno.linkSync, or without hard links (FAT, exFAT, some shares) an exclusive copy. */
function linkOrCopySync(tmp: string, name: string): void {
  try {
    Deno.linkSync(tmp, name);
    return;
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) throw err;
  }
  using out = Deno.openSync(name, { write: true, createNew: true, mode: MODE });
  try {
    using src = Deno.openSync(tmp, { read: true });
    const buf = new Uint8Array(65536);
    for (let n = src.readSync(buf); n !== null; n = src.readSync(buf)) {
      for (let off = 0; off < n;) off += out.writeSync(buf.subarray(off, n));
    }
  } catch (err) {
    try {
      Deno.removeSync(name);
    } catch { /* gone */ }
    throw err;
  }
}

/** Fills a temp file beside `path`, then puts it there (publishSync); returns the path used. */
export async function atomically(
  path: string,
  fill: (out: Deno.FsFile) => Promise<void>,
  mode: WriteMode = {},
): Promise<string> {
  const tmp = tempName(path);
  pending.add(tmp);
  try {
    {
      using out = await Deno.open(tmp, { write: true, createNew: true, mode: MODE });
      await fill(out);
      // On disk before its name is: a rename over a synced journal must not leave it empty.
      await out.syncData();
    }
    return publishSync(tmp, path, mode);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  } finally {
    pending.delete(tmp);
  }
}

/**
 * The text of `JSON.stringify(value, null, 2)`, in pieces: objects are walked member by
 * member and each element of an array is stringified on its own, so a report or an export
 * of ten thousand items never exists as one string (peak memory).
 */
function* jsonPieces(value: unknown, indent = "", element = false): Generator<string> {
  const walk = typeof value === "object" && value !== null && !element &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function";
  if (!walk) {
    yield indented(value, indent.length / 2);
    return;
  }
  const inner = indent + "  ";
  const array = Array.isArray(value);
  const record = value as Record<string, unknown>;
  // An array is walked by index: no list of 10,000 entries beside it.
  const keys = array ? undefined : Object.keys(record).filter((k) => !omitted(record[k]));
  const n = keys?.length ?? (value as unknown[]).length;
  const [open, close] = array ? "[]" : "{}";
  if (n === 0) {
    yield `${open}${close}`;
    return;
  }
  yield open as string;
  for (let i = 0; i < n; i++) {
    const key = keys?.[i];
    yield `${i === 0 ? "" : ","}\n${inner}${key === undefined ? "" : `${JSON.stringify(key)}: `}`;
    const v = record[key ?? i];
    yield* jsonPieces(array && omitted(v) ? null : v, inner, array);
  }
  yield `\n${indent}${close}`;
}

/**
 * `JSON.stringify(value, null, 2)` with every line after the first indented by `levels`
 * × 2 spaces. Stringified inside that many arrays, the value comes out indented already:
 * its text is a slice of that string, not a second copy (half the garbage per element).
 */
function indented(value: unknown, levels: number): string {
  let wrapped = value;
  for (let i = 0; i < levels; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2) ?? "null";
  if (levels === 0) return text;
  // "[\n  [\n    " before the value, "\n  ]\n]" after it.
  let before = 0;
  for (let i = 0; i < levels; i++) before += 2 + 2 * i;
  before += 2 * levels;
  const after = levels * 2 + (levels - 1) * levels;
  return text.slice(before, text.length - after);
}

/** Values JSON.stringify leaves out of an object (and writes as null in an array). */
const omitted = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";

function* fileText(data: unknown): Generator<string> {
  yield* jsonPieces(data);
  yield "\n";
}

/**
 * The pieces encoded into one 64 KB buffer, yielded each time it is full (and written before
 * the next): a text gathered across writes, or a buffer per write, cost tens of MB of peak
 * RSS at 10,000 items.
 */
function* batched(pieces: Iterable<string>): Generator<Uint8Array> {
  const buf = new Uint8Array(65536);
  let used = 0;
  for (let p of pieces) {
    for (;;) {
      const { read, written } = encoder.encodeInto(p, buf.subarray(used));
      used += written;
      if (read === p.length) break;
      yield buf.subarray(0, used); // full: the rest of the piece goes into the next one
      used = 0;
      p = p.slice(read);
    }
  }
  if (used > 0) yield buf.subarray(0, used);
}

/** Writes `JSON.stringify(data, null, 2)` and a newline, piece by piece. */
export async function writeJson(
  out: { write(p: Uint8Array): Promise<number> },
  data: unknown,
): Promise<void> {
  for (const bytes of batched(fileText(data))) {
    for (let off = 0; off < bytes.length;) off += await out.write(bytes.subarray(off));
  }
}

export async function writeJsonAtomic(path: string, data: unknown): Promise<void> {
  await atomically(path, (out) => writeJson(out, data));
}

/** The same, synchronously: for the last thing a process does before a forced exit. */
export function writeJsonAtomicSync(path: string, data: unknown): void {
  const tmp = tempName(path);
  try {
    {
      using out = Deno.openSync(tmp, { write: true, createNew: true, mode: MODE });
      for (const bytes of batched(fileText(data))) {
        for (let off = 0; off < bytes.length;) off += out.writeSync(bytes.subarray(off));
      }
    }
    publishSync(tmp, path, {});
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch { /* never created */ }
    throw err;
  }
}

/** Removes every temp file a write has not finished with (a forced exit is coming). */
export function removePendingTempFiles(): void {
  for (const tmp of pending) {
    try {
      Deno.removeSync(tmp);
    } catch { /* already gone */ }
  }
  pending.clear();
}
