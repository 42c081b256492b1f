/**
 * The one process path of both commands: parse → help/version → check every path →
 * logger → load input → context → one AbortController for SIGINT/SIGTERM → the use case →
 * one mapping from outcome or error to exit code and message. It returns the exit code;
 * only the entrypoint exits.
 */
// deno-lint-ignore-file no-console
import { InterruptedError } from "../aws/limiter.ts";
import type { RunContext } from "../context.ts";
import { describeError, FatalAwsError, UsageError } from "../errors.ts";
import { endOf, EXIT, exitCode } from "../exit.ts";
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
import { listenForInterrupts } from "./interrupts.ts";

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
    if (parsed.kind !== "run") {
      io.stdout(
        parsed.kind === "help"
          ? helpText(command.flags, command.help(program))
          // From source, the script's name; a binary says its own.
          : `${program.startsWith("deno ") ? `${command.name}.ts` : program} ${VERSION}`,
      );
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
    await checkFiles(files, hasForce(flags));
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
  const interrupts = listenForInterrupts(logger, () => progress.finish());
  const work = async (): Promise<number> => {
    try {
      const run = await command.prepare(flags, files, logger);
      const ctx = await buildContext(aws, {
        env: inv.env,
        logger,
        captureRawResponses: command.captureRawResponses,
      });
      interrupts.onFirst(ctx.limiter);
      if (interrupts.signal.aborted) throw new InterruptedError("interrupted");
      return await run(ctx, {
        signal: interrupts.signal,
        onProgress: (done, total) => progress.update(done, total),
        onForcedStop: interrupts.onForcedStop,
      });
    } catch (err) {
      return exitFor(err, logger, interrupts.signal.aborted ? command.interrupted : undefined);
    }
  };
  try {
    return await Promise.race([work(), interrupts.forced]);
  } finally {
    progress.finish();
    interrupts.dispose();
    logger.close();
  }
}

/** Every file the run reads or writes, before the log exists and before any call. */
async function checkFiles(files: FileSet, force: boolean): Promise<void> {
  await checkDistinct(
    [...files.writes, files.log].map((w) => ({ flag: w.what, path: w.path })),
    files.reads,
  );
  for (const w of [files.log, ...files.writes]) {
    if (w.path !== "-") await checkWritable(w.what, w.path, w.shown, { replace: w.replace, force });
  }
}

function hasForce(flags: unknown): boolean {
  return (flags as { force?: boolean }).force === true;
}

/** The log lines of an error that ended a run; its exit code comes from lib/exit.ts. */
export function exitFor(err: unknown, logger: Logger, interrupted?: string): number {
  const end = endOf(err, interrupted !== undefined);
  switch (end.kind) {
    case "interrupted":
      logger.error(interrupted ?? "Interrupted");
      break;
    case "refused":
      logger.error(esc((err as Error).message));
      break;
    case "fatal":
      logger.error(esc((err as FatalAwsError).message));
      logger.error(
        `What to do: ${esc((err as FatalAwsError).hint ?? "see the log file for details")}`,
      );
      break;
    default:
      logger.error(
        `Unexpected error: ${
          esc(err instanceof Error ? err.stack ?? describeError(err) : describeError(err))
        }`,
      );
  }
  return exitCode(end);
}
