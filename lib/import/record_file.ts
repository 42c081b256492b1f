/**
 * The run's record on disk: the journal (JSON Lines) while the run goes on, replaced by the
 * report (JSON) once it ends. One name, mode 0600 (it holds phone numbers), created at the
 * first change, so a run that changed nothing leaves no file. A name taken meanwhile (another
 * run) gets a number, never overwritten; one the user named with --force is replaced.
 */
import { dirname } from "node:path";
import { FatalAwsError, UsageError } from "../errors.ts";
import { allowReplacing, atomically, mayReplace, numbered, writeJson } from "../json_file.ts";
import type { Path } from "../path.ts";

const MODE = 0o600;
const encoder = new TextEncoder();
/** How every journal starts (journal.ts writes its run header first). */
const JOURNAL_HEAD = '{"kind":"run"';

/** Whether --force may replace the file: not empty, and not a run journal. */
function replaceable(path: string): boolean {
  try {
    using f = Deno.openSync(path, { read: true });
    const head = new Uint8Array(JOURNAL_HEAD.length);
    const n = f.readSync(head) ?? 0;
    return n > 0 && new TextDecoder().decode(head.subarray(0, n)) !== JOURNAL_HEAD;
  } catch {
    return false;
  }
}

/** A new file's name is durable only once its folder is synced (best effort: not everywhere). */
function syncFolder(path: string): void {
  try {
    using dir = Deno.openSync(dirname(path), { read: true });
    dir.syncSync();
  } catch { /* a folder that cannot be synced (Windows): the file's own sync stands */ }
}

export class RecordFile {
  #file: Deno.FsFile | undefined;
  #started = false;
  #at: Path;

  /** `taken`: told when the name was taken meanwhile and another one is used. */
  constructor(at: Path, readonly taken: (was: Path, now: Path) => void) {
    this.#at = at;
  }

  /** Where the record is (or will be). */
  get at(): Path {
    return this.#at;
  }

  /** Whether the journal was started: the run sent (or was about to send) a change. */
  get started(): boolean {
    return this.#started;
  }

  /** Before the first call: the folder must take a file, or nothing is attempted. */
  checkWritable(): void {
    const dir = dirname(this.#at.path);
    try {
      const probe = Deno.makeTempFileSync({ dir, prefix: ".connect-qc-probe-" });
      Deno.removeSync(probe);
    } catch (err) {
      throw new UsageError(
        `Cannot write the run's record "${this.#at.shown}" in "${dir}": ${
          (err as Error).message
        } (choose a writable folder with --report)`,
      );
    }
  }

  append(lines: string, durable: boolean): void {
    const opening = this.#file === undefined;
    try {
      const file = this.#file ?? this.#open();
      const bytes = encoder.encode(lines);
      for (let off = 0; off < bytes.length;) off += file.writeSync(bytes.subarray(off));
      if (durable) file.syncDataSync();
    } catch (err) {
      // Not one line written: no file, so nothing to undo and nothing named to undo.
      if (opening && this.#file) this.#discard();
      if (err instanceof FatalAwsError) throw err;
      throw new FatalAwsError(
        `Cannot write the run's journal "${this.#at.shown}": ${
          (err as Error).message
        }; the change it was about to record was not sent`,
        "free space there (or pass --report on another disk), then run the same import again; " +
          `--undo "${this.#at.shown}" reverses what it records as done`,
      );
    }
  }

  /**
   * Creates the journal: the name, or the next free numbered one. --force replaces a file
   * there, but never a run's journal (another run's, live or killed: its only record) nor
   * a file just created (a journal before its first line): two runs never share a file.
   */
  #open(): Deno.FsFile {
    const first = this.#at;
    for (let n = 1;; n++) {
      const at = { path: numbered(first.path, n), shown: numbered(first.shown, n) };
      if (n === 1 && mayReplace(at.path) && replaceable(at.path)) Deno.removeSync(at.path);
      try {
        this.#file = Deno.openSync(at.path, { write: true, createNew: true, mode: MODE });
      } catch (err) {
        if (err instanceof Deno.errors.AlreadyExists && n < 1000) continue;
        throw err;
      }
      this.#at = at;
      this.#started = true;
      syncFolder(at.path);
      // This run's own file from now on: the report replaces it at the end.
      allowReplacing(at.path);
      if (n > 1) this.taken(first, at);
      return this.#file;
    }
  }

  #discard(): void {
    this.close();
    this.#started = false;
    try {
      Deno.removeSync(this.#at.path);
    } catch { /* gone, or the disk refuses even that: it is empty */ }
  }

  /**
   * The report, in place of the journal (the journal stays if it cannot be written); with
   * no journal, under the name or, taken meanwhile, a numbered one.
   */
  async finish(report: unknown): Promise<void> {
    this.close();
    const first = this.#at;
    const path = await atomically(first.path, (out) => writeJson(out, report), { rename: true });
    if (path === first.path) return;
    const n = Number(/_(\d+)(\.[^./]*)?$/.exec(path)?.[1] ?? 1);
    this.#at = { path, shown: numbered(first.shown, n) };
    this.taken(first, this.#at);
  }

  close(): void {
    this.#file?.close();
    this.#file = undefined;
  }
}
