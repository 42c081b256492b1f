/**
 * Where the user's files are. `deno task` runs in the repository root, so a relative path
 * typed in another folder is resolved against that folder (Deno passes it as INIT_CWD; our
 * tasks mark themselves with CONNECT_QC_TASK, so an INIT_CWD inherited from some other
 * task runner is not mistaken for it). Binaries and `deno run` use the working directory.
 * Every path is checked before the first API call.
 */
import { basename, dirname, resolve } from "node:path";
import type { Env } from "../aws/client.ts";
import { UsageError } from "../errors.ts";
import { allowReplacing } from "../json_file.ts";

/** How the process was started, as the entrypoint sees it. */
export interface Invocation {
  env: Env;
  cwd: string;
  /** Deno.execPath(): `deno` itself, or a compiled binary. */
  execPath: string;
}

export function baseDir(inv: Invocation): string {
  const init = inv.env.INIT_CWD;
  return inv.env.CONNECT_QC_TASK && init ? init : inv.cwd;
}

/** What the user typed to run `command`, for usage lines and examples. */
export function programName(inv: Invocation, command: string): string {
  if (inv.env.CONNECT_QC_TASK) return `deno task ${command}`;
  const exe = basename(inv.execPath.replaceAll("\\", "/"));
  if (/^deno(\.exe)?$/i.test(exe)) return `deno run [permissions] ${command}.ts`;
  return exe;
}

export function resolveIn(base: string, path: string): string {
  return path === "-" ? path : resolve(base, path);
}

async function statOrUndefined(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
      // A build or `deno run` without --allow-read: say so instead of crashing.
      throw new UsageError(
        `Cannot check "${path}": ${err.message} (this program needs --allow-read and --allow-write)`,
      );
    }
    throw err;
  }
}

/** An existing file: replaced only with --force, appended to, or left for a numbered name. */
type WriteRule = "force" | "append" | "rename";

/** A file the run writes: `what` for messages, `path` absolute (or "-": standard output). */
export interface Written {
  what: string;
  path: string;
  /** As the user typed it. */
  shown: string;
  replace: WriteRule;
}

export interface FileSet {
  log: Written;
  writes: Written[];
  reads: { flag: string; path: string | undefined }[];
}

/** A file this run writes: its folder must exist. `shown` is the path as the user typed it. */
export async function checkWritable(
  flag: string,
  path: string,
  shown: string,
  opts: { replace: WriteRule; force?: boolean },
): Promise<void> {
  const dir = dirname(path);
  const d = await statOrUndefined(dir);
  if (!d?.isDirectory) {
    throw new UsageError(
      `Cannot write ${flag} "${shown}": directory "${dir}" does not exist (create it, or choose another path)`,
    );
  }
  const f = await statOrUndefined(path);
  if (f?.isDirectory) throw new UsageError(`Cannot write ${flag} "${shown}": it is a directory`);
  if (f && opts.replace === "force" && !opts.force) {
    const what = flag.charAt(0).toUpperCase() + flag.slice(1);
    throw new UsageError(
      `${what} "${shown}" already exists: pass --force to replace it, or choose another path`,
    );
  }
  if (opts.replace !== "append") return;
  // The log is opened as the logger will open it: a folder the run cannot write is a
  // refusal here, before any call, not a stack trace.
  try {
    (await Deno.open(path, { append: true, create: true, mode: 0o600 })).close();
  } catch (err) {
    const why = (err as Error).message;
    throw new UsageError(
      `Cannot write ${flag} "${shown}": ${why} (choose another path, or run in a folder you can write)`,
    );
  }
}

/**
 * Every file the run reads or writes, before the log exists and before any call: two flags
 * naming one file would make the run overwrite its own input.
 */
export async function checkFiles(files: FileSet, force: boolean): Promise<void> {
  const real = async (p: string) => await Deno.realPath(p).catch(() => p);
  const seen: { flag: string; path: string }[] = [];
  for (const o of files.reads) {
    if (o.path && o.path !== "-") seen.push({ ...o, path: await real(o.path) });
  }
  // The log last: it is created by its check, and a refusal before it leaves no file.
  const written = [...files.writes, files.log].filter((w) => w.path !== "-");
  for (const w of written) {
    const path = await real(w.path);
    const clash = seen.find((s) => s.path === path);
    if (clash) {
      throw new UsageError(
        `${w.what} and ${clash.flag} name the same file "${w.path}": the run would overwrite it; choose another path for ${w.what}`,
      );
    }
    seen.push({ flag: w.what, path });
  }
  for (const w of written) {
    await checkWritable(w.what, w.path, w.shown, { replace: w.replace, force });
    // Only these may replace an existing file; every other write creates its file.
    if (w.replace === "force" && force) allowReplacing(w.path);
  }
}
