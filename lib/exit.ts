/** How a run ended, and its exit code (README "Exit codes"): decided here and nowhere else. */
import { isInterrupted } from "./aws/limiter.ts";
import {
  describeError,
  FatalAwsError,
  isFatalForRun,
  toFatal,
  UsageError,
  type Where,
} from "./errors.ts";
import { esc, type Logger } from "./log.ts";

/** How a run ended: the one classifier is endOf, the one printer logEnd, the one code exitCode. */
type RunEnd =
  /** Refused before any change: bad flags, files or input, a stale plan. */
  | { kind: "refused" }
  /** Ctrl-C or SIGTERM. */
  | { kind: "interrupted" }
  /** An AWS failure that stops the whole run (credentials, instance not found, denied reads). */
  | { kind: "fatal"; error: FatalAwsError }
  /** A failure nobody planned for (a bug): the run's record says what was done. */
  | { kind: "unexpected"; error: unknown }
  /** `failed`: an item, link, removal, check or the run's record; `changesPending`: a dry run. */
  | { kind: "finished"; failed: boolean; changesPending?: boolean };

/** A run that ended on an error: how it stopped. */
export type Stop = Extract<RunEnd, { kind: "interrupted" | "fatal" | "unexpected" }>;

/** The exit codes of the README's "Exit codes" (4: a dry run with --detailed-exitcode). */
const CODES = { refused: 2, interrupted: 130, fatal: 3, unexpected: 1 } as const;

export function exitCode(
  end: Pick<RunEnd, "kind"> & { failed?: boolean; changesPending?: boolean },
): number {
  if (end.kind !== "finished") return CODES[end.kind];
  return end.failed ? 1 : end.changesPending ? 4 : 0;
}

/**
 * How an error ends a run. `aborted` (an interruption surfaces as other errors) makes it
 * interrupted unless it is a FatalAwsError; with `where`, an error after which every call
 * would fail (credentials, a dead endpoint) is fatal, with what to do.
 */
export function endOf(err: unknown, opts: { aborted?: boolean; where?: Where } = {}): RunEnd {
  if (err instanceof FatalAwsError) return { kind: "fatal", error: err };
  if (isInterrupted(err) || opts.aborted) return { kind: "interrupted" };
  if (err instanceof UsageError) return { kind: "refused" };
  if (opts.where && isFatalForRun(err)) {
    return { kind: "fatal", error: toFatal(err, opts.where, "the Amazon Connect API") };
  }
  return { kind: "unexpected", error: err };
}

/**
 * The log lines of a run that ended on an error: the cause and what to do (an interruption
 * and a refusal say their own). `unexpected` is how an unexpected error is introduced.
 */
export function logEnd(log: Logger, end: RunEnd, unexpected = "Unexpected error"): void {
  if (end.kind === "fatal") {
    log.error(esc(end.error.message));
    log.error(`What to do: ${esc(end.error.hint || "see the log file for details")}`);
  } else if (end.kind === "unexpected") {
    const err = end.error;
    log.error(`${unexpected}: ${esc(describeError(err))}`);
    if (err instanceof Error && err.stack) log.debug(esc(err.stack));
  }
}
