/**
 * The import use case, orchestration only: load the input, read the target, plan, log the
 * plan, apply it unless this is a dry run, verify, and account for every item in the
 * summary and the report. Never throws for an expected failure: the result carries the
 * exit code (DESIGN.md "Exit codes").
 */
import { isInterrupted } from "../aws/limiter.ts";
import type { RunContext } from "../context.ts";
import {
  describeError,
  EXIT,
  FatalAwsError,
  isFatalForRun,
  toFatal,
  UsageError,
} from "../errors.ts";
import { writeJsonAtomic, writeJsonAtomicSync } from "../json_file.ts";
import { describeFilters, type Filters, isFiltering, selectFileItems } from "../filters.ts";
import { esc } from "../log.ts";
import { type Applied, applyPlan, newApplied } from "./apply.ts";
import { type ImportInput, type ImportItem, isInvalid, loadImportInput } from "./input.ts";
import { logPlan, type OnConflict, type Plan, planImport } from "./plan.ts";
import { Directory } from "./resolve.ts";
import {
  associations,
  type Ending,
  type ImportReport,
  itemReports,
  newReport,
  seedCounts,
  summarize,
} from "./report.ts";
import { readTarget, type TargetState } from "./target.ts";
import { verifyImport } from "./verify.ts";
import { CONSISTENCY_WAIT_MS } from "./wait.ts";

export interface ImportOptions {
  exportFile: string;
  /** The export file's path as the user typed it, for the log. */
  shownExportFile?: string;
  mappingFile?: string;
  dryRun?: boolean;
  onConflict?: OnConflict;
  reportFile?: string;
  shownReportFile?: string;
  verify?: boolean;
  /** Aborted on Ctrl-C/SIGTERM: no new calls, in-flight ones finish, exit 130. */
  signal?: AbortSignal;
  /** Progress of the creates and updates (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Already loaded and validated (the CLI does it before building a client). */
  input?: ImportInput;
  /** How long to wait for changes to be listed (eventual consistency); default 30 s. */
  consistencyWaitMs?: number;
  /** Receives what must run synchronously if the process is stopped at once. */
  onForcedStop?: (finish: () => void) => void;
  /** Only the file's items these select are imported; the others are left out entirely. */
  filters?: Filters;
}

export interface ImportResult {
  exitCode: number;
  /** Absent only when the input itself was rejected (exit 2). */
  report?: ImportReport;
}

const NOT_REACHED =
  "Not attempted: the import was interrupted before this item was reached; run the same import again to finish it";

function emptyTarget(): TargetState {
  return {
    quickConnects: new Map(),
    unreadable: new Map(),
    directory: new Directory(),
    links: new Map(),
    linkErrors: new Map(),
    search: { available: true },
  };
}

/** How the run ended, when it did not simply complete. */
type Stop =
  | { kind: "interrupted" }
  | { kind: "fatal"; error: FatalAwsError }
  | { kind: "unexpected"; error: unknown };

export async function runImport(ctx: RunContext, opts: ImportOptions): Promise<ImportResult> {
  const log = ctx.logger;
  const dryRun = opts.dryRun ?? false;
  const onConflict = opts.onConflict ?? "skip";
  const shownFile = opts.shownExportFile ?? opts.exportFile;
  log.info(
    `Initialized quick connect importer for instance: ${esc(ctx.instanceId)} in region: ${
      esc(ctx.region)
    }`,
  );
  log.info(`Starting quick connect import process (dry_run=${dryRun ? "True" : "False"})...`);

  let input: ImportInput;
  try {
    input = opts.input ?? await loadImportInput(opts);
  } catch (err) {
    if (err instanceof UsageError) {
      log.error(esc(err.message));
      return { exitCode: EXIT.usage };
    }
    log.error(`Cannot load the import input: ${esc(describeError(err))}`);
    return { exitCode: EXIT.partial };
  }
  const { data, mapping } = input;
  memory(log, "the file loaded");
  log.info(`Loaded export data from ${esc(shownFile)}`);
  log.info(`Total quick connects in export: ${data.items.length}`);
  if (opts.filters && isFiltering(opts.filters)) {
    const selected = selectFileItems(opts.filters, data.items); // each keeps its file index
    log.info(
      `Filters: ${selected.length} of ${data.items.length} quick connects in the export file selected (${
        esc(describeFilters(opts.filters))
      })`,
    );
    data.items = selected;
  }
  if (data.failedExports > 0) {
    log.warning(
      `The export file lists ${data.failedExports} quick connects that could not be exported (FailedQuickConnects); they are not imported`,
    );
  }

  const meta = newReport({
    InstanceId: ctx.instanceId,
    Region: ctx.region,
    ExportFile: shownFile,
    DryRun: dryRun,
    OnConflict: onConflict,
  });
  const valid = data.items.filter((it): it is ImportItem => !isInvalid(it));
  const applied = newApplied();
  let plan: Plan | undefined;
  let stop: Stop | undefined;
  let concluded: ImportReport | undefined;
  let written = false;
  // A second Ctrl-C stops the process at once: the report of what was done still gets written.
  opts.onForcedStop?.(() => {
    if (written) return;
    const report = concluded ?? conclude({ kind: "interrupted" });
    if (opts.reportFile) {
      writeJsonAtomicSync(opts.reportFile, report);
      log.info(`Report written to ${esc(opts.shownReportFile ?? opts.reportFile)}`);
    }
  });

  try {
    let state = emptyTarget();
    if (valid.length > 0) {
      log.info("Fetching existing quick connects...");
      state = await readTarget(ctx, valid, mapping, {
        details: onConflict === "update",
        resolvesExisting: onConflict === "update",
      });
      log.info(`Found ${state.quickConnects.size} existing quick connects`);
      memory(log, "the target read");
    }
    plan = planImport({ items: data.items, mapping }, state, { onConflict });
    memory(log, "the plan made");
    for (const w of plan.warnings) log.warning(w);
    logPlan(plan, log, dryRun);
    if (!dryRun) {
      await applyPlan(ctx, plan, {
        onConflict,
        search: state.search,
        signal: opts.signal,
        onProgress: opts.onProgress,
        consistencyWaitMs: opts.consistencyWaitMs ?? CONSISTENCY_WAIT_MS,
      }, applied);
    }
    memory(log, "the plan applied");
    if (opts.verify) {
      const failed = new Set(
        itemReports(plan, applied, { kind: dryRun ? "dry-run" : "done" })
          .filter((r) => r.Action === "failed").map((r) => r.Index),
      );
      meta.Verify = await verifyImport(
        ctx,
        valid.filter((it) => !failed.has(it.index)),
        mapping,
        opts.signal,
        opts.consistencyWaitMs ?? CONSISTENCY_WAIT_MS,
      );
    }
  } catch (err) {
    stop = stopFor(err, ctx, opts.signal);
    if (stop.kind === "fatal") {
      // Two lines, as export: the cause, then what to do about it.
      log.error(esc(stop.error.message));
      log.error(`What to do: ${esc(stop.error.hint ?? "see the log file for details")}`);
    } else if (stop.kind === "unexpected") {
      log.error(
        `Unexpected error, the import stopped: ${
          esc(describeError(err))
        }; the summary and report account for every item`,
      );
      if (err instanceof Error && err.stack) log.debug(esc(err.stack));
    }
  }
  if (!stop && opts.signal?.aborted) stop = { kind: "interrupted" };

  const report = concluded = conclude(stop);
  memory(log, "the report made");
  if (opts.reportFile) {
    try {
      await writeJsonAtomic(opts.reportFile, report);
      written = true;
      log.info(`Report written to ${esc(opts.shownReportFile ?? opts.reportFile)}`);
    } catch (err) {
      log.error(
        `Cannot write report "${esc(opts.shownReportFile ?? opts.reportFile)}": ${
          esc(err instanceof Error ? err.message : String(err))
        }`,
      );
      return { exitCode: report.ExitCode === EXIT.ok ? EXIT.partial : report.ExitCode, report };
    }
  }
  return { exitCode: report.ExitCode, report };

  /** The report and the closing log lines, from the plan and what apply did. */
  function conclude(stop: Stop | undefined): ImportReport {
    const ending: Ending = stop === undefined
      ? { kind: dryRun ? "dry-run" : "done" }
      : { kind: "stopped", reason: notAttempted(stop) };
    const p = plan ?? unplanned(data.items, notAttempted(stop ?? { kind: "interrupted" }));
    const report: ImportReport = {
      ...meta,
      Items: itemReports(p, applied, ending),
      Associations: associations(p, applied, ending),
      Warnings: p.warnings,
      Interrupted: stop?.kind === "interrupted",
    };
    report.Summary = summarize(report.Items);
    report.ExitCode = exitCode(stop, report);
    report.FinishedAt = new Date().toISOString();
    logSummary(report, stop, applied);
    return report;
  }

  function logSummary(report: ImportReport, stop: Stop | undefined, applied: Applied): void {
    const s = report.Summary;
    const a = report.Associations;
    const notTried = report.Items.filter((i) => i.Error?.startsWith("Not attempted")).length;
    if (stop?.kind === "fatal" && applied.items.size === 0) {
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
      }${a.Pending ? `, not sent ${a.Pending.length}` : ""}`,
    );
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
}

/** A DEBUG line with the process's memory: where a large import's memory goes (--verbose). */
function memory(log: RunContext["logger"], when: string): void {
  const u = Deno.memoryUsage();
  const mb = (n: number) => (n / 1048576).toFixed(1);
  log.debug(`Memory after ${when}: RSS ${mb(u.rss)} MB, heap used ${mb(u.heapUsed)} MB`);
}

function stopFor(err: unknown, ctx: RunContext, signal: AbortSignal | undefined): Stop {
  if (isInterrupted(err) || (signal?.aborted && !(err instanceof FatalAwsError))) {
    return { kind: "interrupted" };
  }
  if (err instanceof FatalAwsError) return { kind: "fatal", error: err };
  if (isFatalForRun(err)) {
    return { kind: "fatal", error: toFatal(err, ctx, "the Amazon Connect API") };
  }
  return { kind: "unexpected", error: err };
}

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
        : { kind: "fail", item, cause: "unresolved", reason }
    ),
    links: [],
    linkProblems: [],
    linksPresent: 0,
    warnings: [],
  };
}

function exitCode(stop: Stop | undefined, r: ImportReport): number {
  if (stop?.kind === "interrupted") return EXIT.interrupted;
  if (stop?.kind === "fatal") return EXIT.fatalAws;
  if (stop?.kind === "unexpected") return EXIT.partial;
  const failed = r.Summary.Failed > 0 || r.Associations.Failed > 0 ||
    (r.Verify?.Differences.length ?? 0) > 0;
  return failed ? EXIT.partial : EXIT.ok;
}
