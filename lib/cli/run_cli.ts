/**
 * The one process path of both commands: parse → help/version → check every path →
 * logger → load input → context → one AbortController for SIGINT/SIGTERM → the use case →
 * one mapping from outcome or error to exit code and message. It returns the exit code;
 * only the entrypoint exits.
 */
// deno-lint-ignore-file no-console
import { InterruptedError, isInterrupted } from "../aws/limiter.ts";
import type { RunContext } from "../context.ts";
import { describeError, EXIT, FatalAwsError, UsageError } from "../errors.ts";
import { removePendingTempFiles } from "../json_file.ts";
import { createLogger, esc, type Logger } from "../log.ts";
import { VERSION } from "../version.ts";
import { type AwsFlags, buildContext, checkAwsFlags } from "./context.ts";
import { type Flags, type FlagSpecs, type HelpText, helpText, parseFlags } from "./flags.ts";
import {
  baseDir,
  checkDistinct,
  checkWritable,
  type Invocation,
  programName,
  resolveIn,
} from "./paths.ts";
import { createProgress } from "./progress.ts";

/** A file the run writes. */
export interface Written {
  /** For messages: "output file", "report", "log file". */
  what: string;
  /** Absolute, or "-" for standard output. */
  path: string;
  /** As the user typed it. */
  shown: string;
  /** An existing file: replaced only with --force, appended to, or replaced freely. */
  replace: "force" | "append" | "refuse";
}

export interface FileSet {
  log: Written;
  writes: Written[];
  reads: { flag: string; path: string | undefined }[];
}

/** What the runner hands the use case besides the context. */
export interface Session {
  /** Aborted on the first Ctrl-C/SIGTERM: no new calls, in-flight ones finish. */
  signal: AbortSignal;
  onProgress(done: number, total: number): void;
  /**
   * Registers what must still happen, synchronously, if a second Ctrl-C stops the
   * process at once (the import writes its report of what was done).
   */
  onForcedStop(finish: () => void): void;
}

export interface CliCommand<S extends FlagSpecs, F extends FileSet> {
  name: "export" | "import";
  flags: S;
  help(program: string): HelpText;
  progressLabel: string;
  captureRawResponses?: boolean;
  /** Resolves every path the run reads or writes; touches nothing. */
  files(flags: Flags<S>, at: (path: string) => string): F;
  /**
   * Reads what must be read before any call (throws UsageError on bad input) and
   * returns the use case.
   */
  prepare(
    flags: Flags<S>,
    files: F,
    logger: Logger,
  ): Promise<(ctx: RunContext, session: Session) => Promise<number>>;
  /** Logged when an interruption ends the run before the use case accounted for it. */
  interrupted: string;
}

/** deno task passes the terminal's Ctrl-C on to a process that also got it itself. */
const SAME_KEYPRESS_MS = 750;

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

const consoleIo: Io = { stdout: (t) => console.log(t), stderr: (t) => console.error(t) };

export async function runCli<S extends FlagSpecs & { "log-file": unknown }, F extends FileSet>(
  command: CliCommand<S, F>,
  argv: readonly string[],
  inv: Invocation,
  io: Io = consoleIo,
): Promise<number> {
  const program = programName(inv, command.name);
  const usageError = (err: UsageError) => {
    io.stderr(`error: ${err.message}\nRun '${program} --help' for the options.`);
    return EXIT.usage;
  };

  let flags: Flags<S>;
  try {
    const parsed = parseFlags(command.flags, argv);
    if (parsed.kind === "help") {
      io.stdout(helpText(command.flags, command.help(program)));
      return EXIT.ok;
    }
    if (parsed.kind === "version") {
      // From source, the script's name; a binary says its own.
      io.stdout(`${program.startsWith("deno ") ? `${command.name}.ts` : program} ${VERSION}`);
      return EXIT.ok;
    }
    flags = parsed.flags;
  } catch (err) {
    if (err instanceof UsageError) return usageError(err);
    throw err;
  }

  const base = baseDir(inv);
  const files = command.files(flags, (p) => resolveIn(base, p));
  const aws = flags as unknown as AwsFlags;
  try {
    checkAwsFlags(aws, inv.env);
    await checkDistinct(
      [...files.writes, files.log].map((w) => ({ flag: w.what, path: w.path })),
      files.reads,
    );
    for (const w of [files.log, ...files.writes]) {
      if (w.path === "-") continue;
      await checkWritable(w.what, w.path, w.shown, { replace: w.replace, force: hasForce(flags) });
    }
  } catch (err) {
    if (err instanceof UsageError) return usageError(err);
    throw err;
  }

  const progress = createProgress(command.progressLabel);
  const logger = createLogger({
    file: files.log.path,
    console: progress.sink,
    verbose: (flags as { verbose?: boolean }).verbose === true,
  });
  const controller = new AbortController();
  const finishers: (() => void)[] = [];
  let ctx: RunContext | undefined;
  let firstSignalAt = 0;
  let forceExit: (code: number) => void = () => {};
  const forced = new Promise<number>((resolve) => (forceExit = resolve));
  const onSignal = () => {
    const now = performance.now();
    if (!controller.signal.aborted) {
      firstSignalAt = now;
      logger.warning(
        "Interrupt received: finishing the calls in flight, starting no new ones (press Ctrl-C again to stop at once)",
      );
      controller.abort();
      ctx?.limiter.close();
      return;
    }
    if (now - firstSignalAt < SAME_KEYPRESS_MS) return;
    logger.warning("Second interrupt: stopping now");
    for (const finish of finishers.splice(0)) {
      try {
        finish();
      } catch (err) {
        logger.error(`Cannot finish cleanly: ${esc(describeError(err))}`);
      }
    }
    removePendingTempFiles();
    progress.finish();
    forceExit(EXIT.interrupted);
  };
  // A call rejected by the closed limiter may surface in a promise nobody awaits any
  // more once the run has unwound; that is the interruption itself, not a crash.
  const onUnhandled = (e: PromiseRejectionEvent) => {
    if (isInterrupted(e.reason)) e.preventDefault();
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  globalThis.addEventListener("unhandledrejection", onUnhandled);

  const work = async (): Promise<number> => {
    try {
      const run = await command.prepare(flags, files, logger);
      ctx = await buildContext(aws, {
        env: inv.env,
        logger,
        captureRawResponses: command.captureRawResponses,
      });
      if (controller.signal.aborted) throw new InterruptedError("interrupted");
      return await run(ctx, {
        signal: controller.signal,
        onProgress: (done, total) => progress.update(done, total),
        onForcedStop: (finish) => finishers.push(finish),
      });
    } catch (err) {
      return exitFor(err, logger, controller.signal.aborted ? command.interrupted : undefined);
    }
  };
  try {
    return await Promise.race([work(), forced]);
  } finally {
    progress.finish();
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
    logger.close();
  }
}

function hasForce(flags: unknown): boolean {
  return (flags as { force?: boolean }).force === true;
}

/** The one mapping from an error that ended a run to its log lines and exit code. */
export function exitFor(err: unknown, logger: Logger, interrupted?: string): number {
  if (isInterrupted(err) || (interrupted && !(err instanceof FatalAwsError))) {
    logger.error(interrupted ?? "Interrupted");
    return EXIT.interrupted;
  }
  if (err instanceof UsageError) {
    logger.error(esc(err.message));
    return EXIT.usage;
  }
  if (err instanceof FatalAwsError) {
    logger.error(esc(err.message));
    logger.error(`What to do: ${esc(err.hint ?? "see the log file for details")}`);
    return EXIT.fatalAws;
  }
  logger.error(
    `Unexpected error: ${
      esc(err instanceof Error ? err.stack ?? describeError(err) : describeError(err))
    }`,
  );
  return EXIT.partial;
}
