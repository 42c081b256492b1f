/**
 * How an import ends: why it stopped (if it did), the report built from the plan and what
 * apply did, its exit code, the closing log lines (docs/file-formats.md "Report file"; README "Exit
 * codes"). Every item of the file is accounted for, however far the run got.
 */
import { isInterrupted } from "../aws/limiter.ts";
import type { RunContext } from "../context.ts";
import { describeError, FatalAwsError, isFatalForRun, toFatal } from "../errors.ts";
import { exitCode as exitCodeOf } from "../exit.ts";
import { esc, type Logger } from "../log.ts";
import { type ImportInput, isInvalid } from "./input.ts";
import type { Journal } from "./journal.ts";
import { hasChanges, type Plan, unresolved } from "./plan.ts";
import {
  associations,
  deletedReports,
  type Ending,
  type ImportReport,
  itemReports,
  removalCounts,
  seedCounts,
  summarize,
  undoRecord,
} from "./report.ts";

/** How the run ended, when it did not simply complete. */
export type Stop =
  | { kind: "interrupted" }
  | { kind: "fatal"; error: FatalAwsError }
  | { kind: "unexpected"; error: unknown };

/** What stopped the run, from the error that did. */
export function stopFor(err: unknown, ctx: RunContext, signal: AbortSignal | undefined): Stop {
  if (isInterrupted(err) || (signal?.aborted && !(err instanceof FatalAwsError))) {
    return { kind: "interrupted" };
  }
  if (err instanceof FatalAwsError) return { kind: "fatal", error: err };
  if (isFatalForRun(err)) {
    return { kind: "fatal", error: toFatal(err, ctx, "the Amazon Connect API") };
  }
  return { kind: "unexpected", error: err };
}

/** The error lines of a run that stopped (an interruption needs none: the summary says it). */
export function logStop(log: Logger, stop: Stop): void {
  if (stop.kind === "fatal") {
    // Two lines, as export: the cause, then what to do about it.
    log.error(esc(stop.error.message));
    log.error(`What to do: ${esc(stop.error.hint ?? "see the log file for details")}`);
  } else if (stop.kind === "unexpected") {
    const err = stop.error;
    log.error(
      `Unexpected error, the import stopped: ${
        esc(describeError(err))
      }; the summary and report account for every item`,
    );
    if (err instanceof Error && err.stack) log.debug(esc(err.stack));
  }
}

const NOT_REACHED =
  "Not attempted: the import was interrupted before this item was reached; run the same import again to finish it";

function notAttempted(stop: Stop): string {
  switch (stop.kind) {
    case "interrupted":
      return NOT_REACHED;
    case "fatal":
      return `Not attempted: ${stop.error.message}`;
    case "unexpected":
      return `Not attempted: the import stopped on an unexpected error (${
        describeError(stop.error)
      })`;
  }
}

/** A plan for a run that stopped before it could plan: every valid item not attempted. */
function unplanned(items: ImportInput["data"]["items"], reason: string): Plan {
  return {
    entries: items.map((item) =>
      isInvalid(item)
        ? { kind: "fail", item, cause: "invalid", reason: item.error }
        : { kind: "fail", item, cause: "stopped", reason }
    ),
    deletes: [],
    unlinks: [],
    links: [],
    linkProblems: [],
    linksPresent: 0,
    warnings: [],
  };
}

/** Everything the report is made from. */
export interface Conclusion {
  /** The report's header (what was run, where, when), with Verify once verified. */
  meta: ImportReport;
  /** Undefined when the run stopped before it could plan. */
  plan: Plan | undefined;
  /** The input's items: without a plan, each is reported not attempted. */
  items: ImportInput["data"]["items"];
  record: Journal;
  stop: Stop | undefined;
  dryRun: boolean;
  /** Dry run: exit 4 when the plan would change the target. */
  detailedExitcode?: boolean;
  /** --prune or --prune-links was asked for: the report lists removals even if there are none. */
  pruning?: boolean;
  finishedAt: string;
}

/** The report, from the plan and what apply did. */
export function importReport(c: Conclusion): ImportReport {
  const { meta, record, stop, dryRun } = c;
  const ending: Ending = stop === undefined
    ? { kind: dryRun ? "dry-run" : "done" }
    : { kind: "stopped", reason: notAttempted(stop) };
  const p = c.plan ?? unplanned(c.items, notAttempted(stop ?? { kind: "interrupted" }));
  const pruning = c.pruning || p.deletes.length > 0 || p.unlinks.length > 0;
  const report: ImportReport = {
    ...meta,
    Items: itemReports(p, record, ending),
    Associations: associations(p, record, ending),
    ...(pruning
      ? {
        Deleted: deletedReports(p, record, ending),
        Removals: removalCounts(p, record, ending),
      }
      : {}),
    Warnings: p.warnings,
    ...unresolvedReport(p),
    Interrupted: stop?.kind === "interrupted",
    ...(dryRun ? {} : { Undo: undoRecord(record) }),
  };
  report.Summary = summarize(report.Items);
  report.ExitCode = exitCode(stop, report, dryRun && c.detailedExitcode === true && hasChanges(p));
  report.FinishedAt = c.finishedAt;
  return report;
}

function unresolvedReport(plan: Plan): Pick<ImportReport, "Unresolved"> {
  const list = unresolved(plan);
  if (list.length === 0) return {};
  return {
    Unresolved: list.map((u) => ({
      Kind: u.kind,
      SourceId: u.id,
      Name: u.name ?? null,
      QuickConnects: u.quickConnects,
      Links: u.links,
    })),
  };
}

function exitCode(stop: Stop | undefined, r: ImportReport, changesPending: boolean): number {
  if (stop) return exitCodeOf({ kind: stop.kind });
  const failed = r.Summary.Failed > 0 || r.Associations.Failed > 0 ||
    (r.Removals?.Failed ?? 0) > 0 || (r.Verify?.Differences.length ?? 0) > 0;
  return exitCodeOf({ kind: "finished", failed, changesPending });
}

/**
 * Of the links sent, those the run cannot call its own (the queue's list may have lagged
 * behind another writer's link) and those never answered: undo leaves both without --force.
 */
function linkDoubts(a: ImportReport["Associations"]): string {
  const doubts = [
    a.Unconfirmed ? `${a.Unconfirmed} of the added may have been there already` : "",
    a.Uncertain ? `${a.Uncertain} sent and not answered` : "",
  ].filter(Boolean);
  return doubts.length > 0 ? ` (${doubts.join("; ")}: undo leaves them unless --force)` : "";
}

/**
 * The closing lines: the counts, how the run ended, and the earlier scripts' three
 * numbers. `attempted`: whether apply reached any item (a fatal stop before it changed
 * nothing, and says only that).
 */
export function logSummary(
  log: Logger,
  report: ImportReport,
  stop: Stop | undefined,
  dryRun: boolean,
  attempted: boolean,
): void {
  const s = report.Summary;
  const a = report.Associations;
  const notTried = report.Items.filter((i) => i.Outcome === "not-attempted").length;
  const uncertain = report.Items.filter((i) => i.Outcome === "uncertain").length;
  if (stop?.kind === "fatal" && !attempted) {
    log.warning(
      `Import aborted: no quick connect was attempted (${report.Items.length} in the export file); nothing was changed`,
    );
    return;
  }
  log.info(
    `Created: ${s.Created}, Updated: ${s.Updated}, Unchanged: ${s.Unchanged}, Skipped: ${s.Skipped}, Failed: ${s.Failed}${
      dryRun ? " (dry run: what would happen)" : ""
    }`,
  );
  log.info(
    `Queue links: added ${a.Added}, already present ${a.AlreadyPresent}, failed ${a.Failed}${
      dryRun ? " (dry run: would add)" : ""
    }${a.Pending ? `, not sent ${a.Pending.length}` : ""}${linkDoubts(a)}`,
  );
  if (report.Removals) {
    const r = report.Removals;
    log.info(
      `Removed: ${r.Deleted} quick connects deleted, ${r.LinksRemoved} links removed, failed ${r.Failed}${
        dryRun ? " (dry run: would remove)" : ""
      }`,
    );
  }
  if (uncertain > 0) {
    log.warning(
      `${uncertain} quick connects may or may not have been changed (a request was sent and not answered, or its result could not be told apart from another run's); the report lists them, and the same command run again settles them`,
    );
  }
  if (stop?.kind === "interrupted") {
    log.warning(
      `Import process interrupted! ${notTried} quick connects were not attempted; run the same command again to finish`,
    );
  } else if (stop) {
    log.warning(
      `Import aborted: ${notTried} quick connects were not attempted; fix the cause above and run the same command again`,
    );
  } else {
    log.info("Import process completed!");
  }
  const c = seedCounts(s);
  log.info(`Successful: ${c.successful}`);
  log.info(`Failed: ${c.failed}`);
  log.info(`Skipped: ${c.skipped}`);
}
