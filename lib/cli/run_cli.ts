/**
 * The one process path of both commands: parse (every flag rule is in the command's flag
 * table) → help/version → check every path → logger → load input → context → one
 * AbortController for SIGINT/SIGTERM → the use case → one mapping from outcome or error to
 * exit code and message. A refusal (UsageError) is one `error: …` line on stderr wherever
 * it comes from. It returns the exit code; only the entrypoint exits.
 */
// deno-lint-ignore-file no-console
import { InterruptedError } from "../aws/limiter.ts";
import type { RunContext } from "../context.ts";
import { describeError, UsageError } from "../errors.ts";
import { endOf, exitCode, logEnd } from "../exit.ts";
import { createLogger, esc, type Logger } from "../log.ts";
import { versionLine } from "../version.ts";
import { type AwsFlags, buildContext, checkAwsFlags } from "./context.ts";
import { type FlagSpecs, type HelpText, helpText, type Outcome } from "./flags.ts";
import {
  baseDir,
  checkFiles,
  type FileSet,
  type Invocation,
  programName,
  resolveIn,
} from "./paths.ts";
import { createProgress } from "./progress.ts";
import { listenForInterrupts } from "./interrupts.ts";

/** What the runner hands the use case besides the context. */
interface Session {
  /** Aborted on the first Ctrl-C/SIGTERM: no new calls, in-flight ones finish. */
  signal: AbortSignal;
  onProgress(done: number, total: number): void;
  /** What must still happen, synchronously, if a second Ctrl-C stops the process at once. */
  onForcedStop(finish: () => void): void;
  /** What the user runs the command as (`deno task import`, a binary…), for hints. */
  program: string;
}

/** The flags the runner itself reads: every command's table has them. */
type RunnerFlags = AwsFlags & { verbose: boolean; force: boolean };

export interface CliCommand<V extends RunnerFlags, F extends FileSet> {
  name: "export" | "import";
  /** The flag table: help text and every rule between flags come from it. */
  flags: FlagSpecs;
  parse(argv: readonly string[]): Outcome<V>;
  help(program: string): HelpText;
  progressLabel: string;
  captureRawResponses?: boolean;
  /** Resolves every path the run reads or writes; touches nothing. */
  files(flags: V, at: (path: string) => string): F;
  /**
   * Reads what must be read before any call (UsageError on bad input), fills in the flags
   * a file it read names (an import's --plan or --undo: instance and Region), and returns
   * the use case.
   */
  prepare(
    flags: V,
    files: F,
    logger: Logger,
  ): Promise<(ctx: RunContext, session: Session) => Promise<number>>;
  /** Logged when an interruption ends the run before the use case accounted for it. */
  interrupted: string;
}

interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

const consoleIo: Io = { stdout: (t) => console.log(t), stderr: (t) => console.error(t) };

export async function runCli<V extends RunnerFlags, F extends FileSet>(
  command: CliCommand<V, F>,
  argv: readonly string[],
  inv: Invocation,
  io: Io = consoleIo,
): Promise<number> {
  const start = await begin(command, argv, inv, io);
  if (typeof start === "number") return start;
  const { flags, files } = start;
  const progress = createProgress(command.progressLabel);
  let echo = true;
  const logger = createLogger({
    file: files.log.path,
    console: (line) => {
      if (echo) progress.sink(line);
    },
    verbose: flags.verbose,
  });
  // A refusal is said once on the console, in the shape of every other one; the log keeps it too.
  const refuse = (message: string) => {
    echo = false;
    logger.error(esc(message));
    echo = true;
    progress.finish();
    io.stderr(`error: ${esc(message)}`);
  };
  const interrupts = listenForInterrupts(logger, () => progress.finish());
  const work = async (): Promise<number> => {
    try {
      const run = await command.prepare(flags, files, logger);
      const { captureRawResponses } = command;
      const ctx = await buildContext(flags, { env: inv.env, logger, captureRawResponses });
      interrupts.onFirst(ctx.limiter);
      if (interrupts.signal.aborted) throw new InterruptedError("interrupted");
      return await run(ctx, {
        signal: interrupts.signal,
        onProgress: (done, total) => progress.update(done, total),
        onForcedStop: interrupts.onForcedStop,
        program: programName(inv, command.name),
      });
    } catch (err) {
      const interrupted = interrupts.signal.aborted ? command.interrupted : undefined;
      return exitFor(err, { logger, refuse }, interrupted);
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

/**
 * Parsing, --help and --version, and every check that needs neither a log nor a call: the
 * flags' values, then the files (the instance ID first: export names its file after it).
 * A number: the run ends here, with that exit code.
 */
async function begin<V extends RunnerFlags, F extends FileSet>(
  command: CliCommand<V, F>,
  argv: readonly string[],
  inv: Invocation,
  io: Io,
): Promise<{ flags: V; files: F } | number> {
  const program = programName(inv, command.name);
  try {
    const parsed = command.parse(argv);
    if (parsed.kind !== "run") {
      io.stdout(
        parsed.kind === "help"
          ? helpText(command.flags, command.help(program))
          : versionLine(command.name),
      );
      return exitCode({ kind: "finished", failed: false });
    }
    checkAwsFlags(parsed.flags, inv.env);
    // Connect's IDs are lower-case (an ARN is all lower-case): capitals would be "not found".
    parsed.flags["instance-id"] = parsed.flags["instance-id"]?.toLowerCase();
    const files = command.files(parsed.flags, (p) => resolveIn(baseDir(inv), p));
    await checkFiles(files, parsed.flags.force);
    return { flags: parsed.flags, files };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`error: ${esc(err.message)}\nRun '${program} --help' for the options.`);
    return exitCode(endOf(err));
  }
}

/** A refusal as `error: …` (refuse), anything else in the log (lib/exit.ts logEnd). */
function exitFor(
  err: unknown,
  out: { logger: Logger; refuse(message: string): void },
  interrupted?: string,
): number {
  const end = endOf(err, { aborted: interrupted !== undefined });
  if (end.kind === "interrupted") out.logger.error(interrupted ?? "Interrupted");
  else if (end.kind === "refused") {
    out.refuse(err instanceof Error ? err.message : describeError(err));
  } else logEnd(out.logger, end);
  return exitCode(end);
}
