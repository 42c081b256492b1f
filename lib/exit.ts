/**
 * The one mapping from how a run ended to its exit code (README "Exit codes"). Every
 * command decides its exit code here and nowhere else: the CLI runner for an error that
 * ended a run, export and import for a run that finished.
 */
import { isInterrupted } from "./aws/limiter.ts";
import { FatalAwsError, UsageError } from "./errors.ts";

export const EXIT = {
  ok: 0,
  partial: 1,
  usage: 2,
  fatalAws: 3,
  /** Only with --dry-run --detailed-exitcode: the plan would change the target. */
  changes: 4,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** How a run ended. */
export type RunEnd =
  /** Refused before any change: bad flags, files or input, a stale plan. */
  | { kind: "refused" }
  /** Ctrl-C or SIGTERM. */
  | { kind: "interrupted" }
  /** An AWS failure that stops the whole run (credentials, instance not found, denied reads). */
  | { kind: "fatal" }
  /** A failure nobody planned for (a bug): the run's record says what was done. */
  | { kind: "unexpected" }
  /**
   * The run went through. `failed`: some item, link, removal or check failed, or the
   * record of the run could not be written. `changesPending`: a dry run with
   * --detailed-exitcode whose plan would change the target.
   */
  | { kind: "finished"; failed: boolean; changesPending?: boolean };

export function exitCode(end: RunEnd): ExitCode {
  switch (end.kind) {
    case "refused":
      return EXIT.usage;
    case "interrupted":
      return EXIT.interrupted;
    case "fatal":
      return EXIT.fatalAws;
    case "unexpected":
      return EXIT.partial;
    case "finished":
      return end.failed ? EXIT.partial : end.changesPending ? EXIT.changes : EXIT.ok;
  }
}

/**
 * How an error that ended a run ends it. `aborted`: the run's signal was aborted (an
 * interruption stops calls in ways that surface as other errors), unless the error is a
 * fatal AWS one, which is reported as such.
 */
export function endOf(err: unknown, aborted = false): RunEnd {
  if (err instanceof FatalAwsError) return { kind: "fatal" };
  if (isInterrupted(err) || aborted) return { kind: "interrupted" };
  if (err instanceof UsageError) return { kind: "refused" };
  return { kind: "unexpected" };
}
