/**
 * What the import says, in one place: the plan's lines (the earlier scripts' wording where
 * they had one), how an import ends (why it stopped, the report built from the plan and the
 * journal, its exit code) and the closing lines (docs/file-formats.md "Report file"; README
 * "Exit codes"). Every item of the file is accounted for, however far the run got.
 */
import { describeError } from "../errors.ts";
import { type Difference, fieldLabel } from "./diff.ts";
import { nobodySees } from "../visibility.ts";
import { exitCode as exitCodeOf, type Stop } from "../exit.ts";
import { esc, type Logger, plural, someOf } from "../log.ts";
import { type ImportInput, isInvalid } from "./input.ts";
import type { Journal } from "./journal.ts";
import { hasChanges, type Plan, type PlanEntry, unresolved } from "./plan.ts";
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
interface Conclusion {
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
      `Removed: ${plural(r.Deleted, "quick connect")} deleted, ${
        plural(r.LinksRemoved, "link")
      } removed, failed ${r.Failed}${
        r.Uncertain ? `, ${r.Uncertain} sent and not answered (they may have landed)` : ""
      }${dryRun ? " (dry run: would remove)" : ""}`,
    );
  }
  if (uncertain > 0) {
    log.warning(
      `${
        plural(uncertain, "quick connect")
      } may or may not have been changed (a request was sent and not answered, or its result could not be told apart from another run's); the report lists them, and the same command run again settles them`,
    );
  }
  logEnding(log, stop, notTried);
  const c = seedCounts(s);
  log.info(`Successful: ${c.successful}`);
  log.info(`Failed: ${c.failed}`);
  log.info(`Skipped: ${c.skipped}`);
}

/** How the run ended, in the earlier scripts' words where they had them. */
function logEnding(log: Logger, stop: Stop | undefined, notTried: number): void {
  const what = `${plural(notTried, "quick connect")} ${notTried === 1 ? "was" : "were"}`;
  if (stop?.kind === "interrupted") {
    log.warning(
      `Import process interrupted! ${what} not attempted; run the same command again to finish`,
    );
  } else if (stop) {
    log.warning(
      `Import aborted: ${what} not attempted; fix the cause above and run the same command again`,
    );
  } else log.info("Import process completed!");
}

/**
 * The plan's log lines: the earlier scripts' wording where they had one. Creates and
 * updates are logged when they happen, or as "[DRY RUN] Would …" lines.
 */
export function logPlan(
  plan: Plan,
  log: Logger,
  dryRun: boolean,
  deletesRefused = false,
): void {
  for (const e of plan.entries) {
    const name = esc(e.item.name ?? "");
    switch (e.kind) {
      case "skip":
        logSkip(e, log);
        break;
      case "unchanged":
        log.info(`Quick connect unchanged: ${name} -> ${esc(e.targetId)}`);
        break;
      case "create":
        if (dryRun) log.info(`[DRY RUN] Would create quick connect: ${name}`);
        break;
      case "update":
        if (dryRun) {
          log.info(`[DRY RUN] Would update quick connect: ${name} (${e.parts.join(", ")})`);
        }
        logChanges(log, name, e.changes);
        break;
      case "fail":
        logFailure(e, log);
    }
  }
  logProblems(plan, log);
  logRemovals(plan, log, dryRun, deletesRefused);
  if (dryRun) {
    for (const q of plan.links) {
      log.info(
        `[DRY RUN] Would associate ${plural(q.add.length, "quick connect")} with queue '${
          esc(q.queueName)
        }': ${listNames(q.add.map((a) => a.name))}`,
      );
    }
  }
  logVisibility(plan, log);
}

/**
 * Who will see each quick connect once the plan is applied, where the file says who saw it
 * in the source: advice, before any change (the tool never changes routing profiles).
 */
function logVisibility(plan: Plan, log: Logger): void {
  const v = plan.visibility;
  if (!v) return;
  if (!Array.isArray(v)) {
    log.warning(
      `Could not call connect:SearchRoutingProfiles (${
        esc(v.denied)
      }): which routing profiles will see each quick connect in the target is not checked; allowing connect:SearchRoutingProfiles enables the check`,
    );
    return;
  }
  for (const it of v) if (it.loss) log.warning(esc(it.loss.message));
  const unseen = v.filter((it) => it.target.length === 0).map((it) => it.name);
  const line = nobodySees(unseen, "of the target will see");
  if (line) log.warning(line);
}

/** Links that cannot be made, and the references that did not resolve. */
function logProblems(plan: Plan, log: Logger): void {
  for (const p of plan.linkProblems) {
    if (p.reason === "unresolved") {
      log.error(`Cannot link quick connect ${esc(p.name)} → ${esc(p.error)}`);
    }
  }
  const unreadable = new Map<string, string>();
  for (const p of plan.linkProblems) {
    if (p.reason === "unreadable") unreadable.set(p.queueName ?? "", p.error);
  }
  for (const [queue, error] of unreadable) {
    log.error(
      `Error associating quick connects with queue '${
        esc(queue)
      }': cannot read its quick connects (${esc(error)})`,
    );
  }
  const missing = unresolved(plan);
  if (missing.length > 0) {
    log.warning(
      `Unresolved references: ${missing.length} (map them in --mapping; --dry-run --write-mapping FILE writes a template)`,
    );
    for (const m of missing) {
      // A file that names its queues only (the earlier scripts') has the name as its ID.
      const what = !m.name
        ? `${m.kind} with source id ${esc(m.id)}`
        : m.name === m.id
        ? `${m.kind} '${esc(m.name)}'`
        : `${m.kind} '${esc(m.name)}' (source id ${esc(m.id)})`;
      const held = [
        m.quickConnects ? plural(m.quickConnects, "quick connect") : "",
        m.links ? plural(m.links, "queue link") : "",
      ].filter(Boolean).join(" and ");
      log.warning(`  ${what}: blocks ${held}`);
    }
  }
}

/** How many names a plan line lists before "and N more". */
const LISTED_NAMES = 10;

/** `A, B, C` or, past LISTED_NAMES, `A, …, J and 5 more`: a drift line names what it moves. */
function listNames(names: readonly string[]): string {
  return someOf(names.map(esc), LISTED_NAMES);
}

/**
 * Under `skip` an existing quick connect is left as it is; a drift check also says how it
 * differs, since the check's exit code counts only what applying would change.
 */
function logSkip(e: Extract<PlanEntry, { kind: "skip" }>, log: Logger): void {
  const name = esc(e.item.name);
  if (e.uncompared !== undefined) {
    log.warning(
      `Quick connect already exists: ${name}; cannot compare it with the file: ${
        esc(e.uncompared)
      }`,
    );
    return;
  }
  if (!e.differs || e.differs.length === 0) {
    log.warning(`Quick connect already exists: ${name}`);
    return;
  }
  log.warning(
    `Quick connect already exists and differs from the file: ${name} (${
      e.differs.map((d) => esc(d.field)).join(", ")
    }); skipped: --on-conflict update would change it`,
  );
  logChanges(log, name, e.differs);
}

/** An update's fields, old → new, as a reviewer reads them (users, queues, flows by name). */
function logChanges(log: Logger, name: string, changes: readonly Difference[]): void {
  for (const d of changes) {
    log.info(`  ${name}: ${esc(fieldLabel(d.field))} ${esc(d.actual)} → ${esc(d.expected)}`);
  }
}

/**
 * Deletes and removed links. A real run announces its deletes; one refused by
 * --max-deletes lists them as what it would have deleted, since it deletes nothing.
 */
function logRemovals(plan: Plan, log: Logger, dryRun: boolean, refused: boolean): void {
  for (const d of plan.deletes) {
    const unlink = d.queues.length > 0
      ? ` (first unlinked from ${plural(d.queues.length, "queue")})`
      : "";
    const why = d.why === "prune" ? "not in the export" : "created by the run being undone";
    if (dryRun) log.info(`[DRY RUN] Would delete quick connect: ${esc(d.name)}${unlink}`);
    else if (refused) {
      log.info(`Would delete quick connect ${why}: ${esc(d.name)} -> ${esc(d.targetId)}`);
    } else log.info(`Deleting quick connect ${why}: ${esc(d.name)} -> ${esc(d.targetId)}`);
  }
  for (const u of plan.unlinks) {
    if (!dryRun) continue;
    log.info(
      `[DRY RUN] Would remove ${plural(u.remove.length, "link")} from queue '${
        esc(u.queueName)
      }': ${listNames(u.remove.map((r) => r.name))}`,
    );
  }
}

function logFailure(e: Extract<PlanEntry, { kind: "fail" }>, log: Logger): void {
  const it = e.item;
  const name = esc(it.name ?? "");
  if (e.cause === "invalid" && isInvalid(it)) {
    if (it.missingName) {
      // The earlier scripts' wording, the item shown as compact, escaped, bounded JSON.
      let data = JSON.stringify(it.raw) ?? String(it.raw);
      if (data.length > 300) data = data.slice(0, 300) + "…";
      log.error(`Quick connect missing 'Name' field in data: ${esc(data)} (${esc(it.error)})`);
    } else {
      log.error(
        `Invalid quick connect ${esc(it.name ?? `at QuickConnects[${it.index}]`)}: ${
          esc(it.error)
        }`,
      );
    }
  } else if (e.cause === "exists") {
    log.error(`Quick connect already exists: ${name} (--on-conflict fail)`);
  } else if (e.cause === "unreadable") {
    log.error(`Error updating quick connect ${name}: ${esc(e.reason)}`);
  } else if (e.cause === "changed") {
    log.error(`Undo: leaving quick connect ${name}: ${esc(e.reason)}`);
  } else {
    log.error(`Cannot import quick connect ${name}: ${esc(e.reason)}`);
  }
}
