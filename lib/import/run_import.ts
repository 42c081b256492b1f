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
import {
  describeFilters,
  type Filters,
  isFiltering,
  matches,
  selectFileItems,
} from "../filters.ts";
import { userTags } from "./diff.ts";
import { esc } from "../log.ts";
import { type Applied, applyPlan, newApplied } from "./apply.ts";
import { type ImportInput, type ImportItem, isInvalid, loadImportInput } from "./input.ts";
import { hasChanges, logPlan, type OnConflict, type Plan, planImport, unresolved } from "./plan.ts";
import { fingerprints, type PlanFile, planMapping, staleness, writePlanFile } from "./plan_file.ts";
import { emptyMapping, type Mapping, MAPPING_SECTIONS } from "./mapping.ts";
import type { ListedQuickConnect } from "../aws/reads.ts";
import { VERSION } from "../version.ts";
import { Directory } from "./resolve.ts";
import {
  associations,
  deletedReports,
  type Ending,
  type ImportReport,
  itemReports,
  newReport,
  removalCounts,
  seedCounts,
  summarize,
  undoRecord,
} from "./report.ts";
import { readTarget, type TargetState } from "./target.ts";
import { verifyImport } from "./verify.ts";
import { planUndo, type UndoSource } from "./undo.ts";
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
  /** Delete the target's quick connects that are not in the export (within the filters). */
  prune?: boolean;
  /** Remove links on the export's queues that the source queue does not have. */
  pruneLinks?: boolean;
  /** The most quick connects --prune may delete (default 10). */
  maxDeletes?: number;
  /** Dry run: exit 4 when the plan would change the target, 0 when it matches. */
  detailedExitcode?: boolean;
  /** Dry run: write a mapping file listing every unresolved reference, to fill in. */
  writeMapping?: string;
  shownWriteMapping?: string;
  /** Dry run: save the plan here, to apply it later with `savedPlan`. */
  planOut?: string;
  shownPlanOut?: string;
  /** Apply this saved plan, exactly, instead of planning from an export file. */
  savedPlan?: PlanFile;
  shownPlanFile?: string;
  /** Reverse the run this report describes, instead of importing. */
  undo?: UndoSource;
  shownUndoFile?: string;
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
    input = opts.savedPlan
      ? inputOf(opts.savedPlan.Plan, planMapping(opts.savedPlan))
      : opts.undo
      ? inputOf(undefined, emptyMapping())
      : opts.input ?? await loadImportInput(opts);
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
  if (opts.undo) {
    log.info(
      `Undoing the run of ${esc(opts.undo.StartedAt)} described in ${
        esc(opts.shownUndoFile ?? "")
      }`,
    );
  } else if (opts.savedPlan) {
    log.info(
      `Loaded plan from ${esc(opts.shownPlanFile ?? "")} (made ${
        esc(opts.savedPlan.CreatedAt)
      } from ${esc(opts.savedPlan.ExportFile)})`,
    );
  } else log.info(`Loaded export data from ${esc(shownFile)}`);
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
    if (opts.undo) {
      const where = opts.undo;
      if (where.InstanceId !== ctx.instanceId || where.Region !== ctx.region) {
        throw new UsageError(
          `Cannot undo with "${opts.shownUndoFile}": it describes a run on instance ${where.InstanceId} in ${where.Region}, not ${ctx.instanceId} in ${ctx.region}`,
        );
      }
      log.info("Reading the target as it is now...");
      state = await readTarget(ctx, [], mapping, {
        details: true,
        resolvesExisting: false,
        links: "all",
      });
      plan = planUndo(where, state);
      data.items = plan.entries.map((e) => e.item);
    } else if (opts.savedPlan) {
      plan = opts.savedPlan.Plan;
      checkPlanTarget(opts.savedPlan, opts.shownPlanFile ?? "", ctx);
      log.info("Checking that the target has not changed since the plan was made...");
      const stale = staleness(opts.savedPlan.Fingerprints, await fingerprints(ctx, plan));
      if (stale.length > 0) {
        for (const line of stale.slice(0, 20)) {
          log.error(`Changed since the plan was made: ${esc(line)}`);
        }
        if (stale.length > 20) log.error(`... and ${stale.length - 20} more changes`);
        throw new UsageError(
          `Refusing plan "${opts.shownPlanFile}": the target changed since it was made (${stale.length} changes above); nothing was changed: make a new plan with --dry-run --plan-out`,
        );
      }
    } else {
      if (valid.length > 0 || opts.prune) {
        log.info("Fetching existing quick connects...");
        state = await readTarget(ctx, valid, mapping, {
          details: onConflict === "update" || (opts.prune ?? false) ||
            (opts.pruneLinks ?? false),
          resolvesExisting: onConflict === "update",
          links: opts.prune ? "all" : opts.pruneLinks ? "file" : "existing",
        });
        log.info(`Found ${state.quickConnects.size} existing quick connects`);
        memory(log, "the target read");
      }
      plan = planImport({ items: data.items, mapping }, state, {
        onConflict,
        prune: opts.prune,
        pruneLinks: opts.pruneLinks,
        inScope: opts.filters && isFiltering(opts.filters) ? inScope(opts.filters) : undefined,
      });
    }
    memory(log, "the plan made");
    for (const w of plan.warnings) log.warning(w);
    logPlan(plan, log, dryRun);
    // Undo deletes only what the undone run created and nobody changed since: unbounded.
    const maxDeletes = opts.maxDeletes ?? DEFAULT_MAX_DELETES;
    const pruned = plan.deletes.filter((d) => d.why === "prune").length;
    if (pruned > maxDeletes) {
      const msg =
        `--prune would delete ${pruned} quick connects, more than --max-deletes ${maxDeletes}`;
      if (!dryRun) {
        throw new UsageError(
          `${msg}: nothing was changed; check the filters, then pass --max-deletes ${pruned} if that is meant`,
        );
      }
      log.warning(`${msg}: the import would refuse to run without a higher --max-deletes`);
    }
    if (dryRun && opts.writeMapping) {
      const n = await writeMappingTemplate(opts.writeMapping, plan, mapping);
      log.info(
        `Mapping template written to ${
          esc(opts.shownWriteMapping ?? opts.writeMapping)
        }: ${n} entries to fill in with target names, then pass it as --mapping`,
      );
    }
    if (dryRun && opts.planOut) {
      await writePlanFile(opts.planOut, ctx, plan, { exportFile: shownFile, onConflict, mapping });
      log.info(`Plan written to ${esc(opts.shownPlanOut ?? opts.planOut)}`);
    }
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
      const rows = itemReports(plan, applied, { kind: dryRun ? "dry-run" : "done" });
      const failed = new Set(rows.filter((r) => r.Action === "failed").map((r) => r.Index));
      const skipped = new Set(rows.filter((r) => r.Action === "skipped").map((r) => r.Index));
      meta.Verify = await verifyImport(
        ctx,
        valid.filter((it) => !failed.has(it.index)),
        mapping,
        opts.signal,
        opts.consistencyWaitMs ?? CONSISTENCY_WAIT_MS,
        skipped,
      );
    }
  } catch (err) {
    if (err instanceof UsageError) {
      // A refusal before any write: nothing was changed, so there is nothing to report.
      log.error(esc(err.message));
      return { exitCode: EXIT.usage };
    }
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
    const pruning = opts.prune || opts.pruneLinks || p.deletes.length > 0 || p.unlinks.length > 0;
    const report: ImportReport = {
      ...meta,
      Items: itemReports(p, applied, ending),
      Associations: associations(p, applied, ending),
      ...(pruning
        ? {
          Deleted: deletedReports(p, applied, ending),
          Removals: removalCounts(p, applied, ending),
        }
        : {}),
      Warnings: p.warnings,
      ...unresolvedReport(p),
      Interrupted: stop?.kind === "interrupted",
      ...(dryRun ? {} : { Undo: undoRecord(p, applied) }),
    };
    report.Summary = summarize(report.Items);
    report.ExitCode = exitCode(stop, report);
    if (dryRun && opts.detailedExitcode && report.ExitCode === EXIT.ok && hasChanges(p)) {
      report.ExitCode = EXIT.changes;
    }
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
    if (report.Removals) {
      const r = report.Removals;
      log.info(
        `Removed: ${r.Deleted} quick connects deleted, ${r.LinksRemoved} links removed, failed ${r.Failed}${
          dryRun ? " (dry run: would remove)" : ""
        }`,
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
}

/** A DEBUG line with the process's memory: where a large import's memory goes (--verbose). */
function memory(log: RunContext["logger"], when: string): void {
  const u = Deno.memoryUsage();
  const mb = (n: number) => (n / 1048576).toFixed(1);
  log.debug(`Memory after ${when}: RSS ${mb(u.rss)} MB, heap used ${mb(u.heapUsed)} MB`);
}

export const DEFAULT_MAX_DELETES = 10;

/**
 * Which of the target's quick connects --prune and --prune-links may touch: those the
 * filters select. One whose type or tags are not known is left alone.
 */
function inScope(filters: Filters): (qc: ListedQuickConnect) => boolean {
  return (qc) => {
    const d = qc.detail;
    if (!d && (filters.types.length > 0 || Object.keys(filters.tags).length > 0)) return false;
    return matches(filters, {
      name: qc.name,
      type: d?.QuickConnectConfig?.QuickConnectType,
      tags: d ? userTags(d.Tags) : undefined,
    });
  };
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

const SECTION = { user: "Users", queue: "Queues", flow: "ContactFlows" } as const;

/**
 * A --mapping file with an empty target for every unresolved source reference (by its
 * name where the file has one, else its ID), beside the entries the mapping already had.
 * The empty values make it fail to load until they are filled in: it cannot be used half
 * done by mistake.
 */
async function writeMappingTemplate(path: string, plan: Plan, mapping: Mapping): Promise<number> {
  const out: Record<string, Record<string, string>> = {};
  for (const s of MAPPING_SECTIONS) out[s] = Object.fromEntries(mapping[s]);
  let n = 0;
  for (const u of unresolved(plan)) {
    const section = out[SECTION[u.kind]]!;
    const key = u.name ?? u.id;
    if (key in section) continue;
    section[key] = "";
    n++;
  }
  for (const s of MAPPING_SECTIONS) if (Object.keys(out[s]!).length === 0) delete out[s];
  await writeJsonAtomic(path, out);
  return n;
}

/** The items of a plan (saved, or undo's, known once planned), as the run's input. */
function inputOf(plan: Plan | undefined, mapping: Mapping): ImportInput {
  return {
    data: {
      path: "",
      formatVersion: 2,
      failedExports: 0,
      items: plan?.entries.map((e) => e.item) ?? [],
    },
    mapping,
  };
}

function checkPlanTarget(saved: PlanFile, shown: string, ctx: RunContext): void {
  const refuse = (what: string) =>
    new UsageError(`Refusing plan "${shown}": ${what}; make a new plan with --dry-run --plan-out`);
  if (saved.ToolVersion !== VERSION) {
    throw refuse(`it was made by version ${saved.ToolVersion} of this tool, this is ${VERSION}`);
  }
  if (saved.InstanceId !== ctx.instanceId) {
    throw refuse(`it was made for instance ${saved.InstanceId}, not ${ctx.instanceId}`);
  }
  if (saved.Region !== ctx.region) {
    throw refuse(`it was made for Region ${saved.Region}, not ${ctx.region}`);
  }
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
    deletes: [],
    unlinks: [],
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
    (r.Removals?.Failed ?? 0) > 0 || (r.Verify?.Differences.length ?? 0) > 0;
  return failed ? EXIT.partial : EXIT.ok;
}
