/**
 * The import use case, orchestration only: load the input, make the plan (from an export
 * file, a saved plan or a report to undo), log it, apply it unless this is a dry run,
 * verify, and account for every item in the summary and the report. Never throws for an
 * expected failure: the result carries the exit code (README "Exit codes").
 */
import type { RunContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import { EXIT } from "../exit.ts";
import { writeJsonAtomic, writeJsonAtomicSync } from "../json_file.ts";
import type { Filters } from "../filters.ts";
import { esc, type Logger, logMemory } from "../log.ts";
import { type Applied, type ApplyOptions, applyPlan, newApplied } from "./apply.ts";
import { type ImportInput, type ImportItem, isInvalid } from "./input.ts";
import { logPlan, type OnConflict, type Plan, unresolved } from "./plan.ts";
import { type PlanFile, writePlanFile } from "./plan_file.ts";
import { type Mapping, writeMappingTemplate } from "./mapping.ts";
import { type ImportReport, itemReports, newReport, type VerifyResult } from "./report.ts";
import { getInput, knownPlan, makePlan } from "./sources.ts";
import { importReport, logStop, logSummary, type Stop, stopFor } from "./summary.ts";
import type { TargetState } from "./target.ts";
import { verifyImport } from "./verify.ts";
import type { UndoSource } from "./undo.ts";
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

export async function runImport(ctx: RunContext, opts: ImportOptions): Promise<ImportResult> {
  const log = ctx.logger;
  const dryRun = opts.dryRun ?? false;
  const onConflict = opts.onConflict ?? "skip";
  logIntro(ctx, dryRun);
  const input = await getInput(log, opts);
  if ("exitCode" in input) return input;
  const { data, mapping } = input;
  const meta = newReport({
    InstanceId: ctx.instanceId,
    Region: ctx.region,
    ExportFile: opts.shownExportFile ?? opts.exportFile,
    DryRun: dryRun,
    OnConflict: onConflict,
  });
  const valid = data.items.filter((it): it is ImportItem => !isInvalid(it));
  const applied = newApplied();
  // Known before the target is read for a saved plan: a run stopped while the plan is
  // checked against the target reports the plan's items.
  let plan: Plan | undefined = knownPlan(opts);
  let stop: Stop | undefined;
  const finish = reportOnce(log, opts, (stop) => {
    const report = importReport({
      meta,
      plan,
      items: data.items,
      applied,
      stop,
      dryRun,
      detailedExitcode: opts.detailedExitcode,
      prune: opts.prune,
      pruneLinks: opts.pruneLinks,
      finishedAt: new Date().toISOString(),
    });
    logSummary(log, report, stop, dryRun, applied.items.size > 0);
    return report;
  });

  try {
    const since = Date.now();
    const made = await makePlan(ctx, opts, onConflict, input, valid);
    plan = made.plan;
    logMemory(log, "the plan made");
    for (const w of plan.warnings) log.warning(w);
    logPlan(plan, log, dryRun, !dryRun && pruneCount(plan) > maxDeletesOf(opts));
    guardDeletes(log, plan, maxDeletesOf(opts), dryRun);
    if (dryRun) await writeDryRunOutputs(ctx, opts, plan, mapping, onConflict);
    else await applyPlan(ctx, plan, applyOptions(opts, onConflict, made.state, since), applied);
    logMemory(log, "the plan applied");
    if (opts.verify) meta.Verify = await verify(ctx, opts, plan, applied, valid, mapping);
  } catch (err) {
    if (err instanceof UsageError) {
      // A refusal before any write: nothing was changed, so there is nothing to report.
      log.error(esc(err.message));
      return { exitCode: EXIT.usage };
    }
    stop = stopFor(err, ctx, opts.signal);
    logStop(log, stop);
  }
  if (!stop && opts.signal?.aborted) stop = { kind: "interrupted" };
  return await finish(stop);
}

function logIntro(ctx: RunContext, dryRun: boolean): void {
  ctx.logger.info(
    `Initialized quick connect importer for instance: ${esc(ctx.instanceId)} in region: ${
      esc(ctx.region)
    }`,
  );
  ctx.logger.info(
    `Starting quick connect import process (dry_run=${dryRun ? "True" : "False"})...`,
  );
}

/**
 * Makes the report (with the closing log lines) once, at the end of the run, and writes
 * it. A second Ctrl-C stops the process at once: the report of what was done is then
 * written on the spot, unless it already was.
 */
function reportOnce(
  log: Logger,
  opts: ImportOptions,
  conclude: (stop: Stop | undefined) => ImportReport,
): (stop: Stop | undefined) => Promise<ImportResult> {
  let concluded: ImportReport | undefined;
  let written = false;
  opts.onForcedStop?.(() => {
    if (written) return;
    const report = concluded ?? conclude({ kind: "interrupted" });
    if (opts.reportFile) {
      writeJsonAtomicSync(opts.reportFile, report);
      log.info(`Report written to ${esc(opts.shownReportFile ?? opts.reportFile)}`);
    }
  });
  return async (stop) => {
    const report = concluded = conclude(stop);
    logMemory(log, "the report made");
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
        // The run's record is lost: not a success.
        return { exitCode: report.ExitCode === EXIT.ok ? EXIT.partial : report.ExitCode, report };
      }
    }
    return { exitCode: report.ExitCode, report };
  };
}

function applyOptions(
  opts: ImportOptions,
  onConflict: OnConflict,
  state: TargetState,
  since: number,
): ApplyOptions {
  return {
    since,
    onConflict,
    search: state.search,
    signal: opts.signal,
    onProgress: opts.onProgress,
    consistencyWaitMs: opts.consistencyWaitMs ?? CONSISTENCY_WAIT_MS,
  };
}

export const DEFAULT_MAX_DELETES = 10;

/**
 * --max-deletes bounds what --prune deletes: a run over it changes nothing; a dry run says
 * it would refuse. Undo deletes only what the undone run created and nobody changed since:
 * unbounded.
 */
function guardDeletes(log: Logger, plan: Plan, maxDeletes: number, dryRun: boolean): void {
  const pruned = pruneCount(plan);
  if (pruned <= maxDeletes) return;
  const msg =
    `--prune would delete ${pruned} quick connects, more than --max-deletes ${maxDeletes}`;
  if (!dryRun) {
    throw new UsageError(
      `${msg}: refused, nothing was changed; check the filters, then pass --max-deletes ${pruned} if that is meant`,
    );
  }
  log.warning(`${msg}: the import would refuse to run without a higher --max-deletes`);
}

const maxDeletesOf = (opts: ImportOptions) => opts.maxDeletes ?? DEFAULT_MAX_DELETES;
const pruneCount = (plan: Plan) => plan.deletes.filter((d) => d.why === "prune").length;

/** A dry run's files: the mapping template (--write-mapping) and the plan (--plan-out). */
async function writeDryRunOutputs(
  ctx: RunContext,
  opts: ImportOptions,
  plan: Plan,
  mapping: Mapping,
  onConflict: OnConflict,
): Promise<void> {
  const log = ctx.logger;
  if (opts.writeMapping) {
    const n = await writeMappingTemplate(opts.writeMapping, unresolved(plan), mapping);
    log.info(
      `Mapping template written to ${
        esc(opts.shownWriteMapping ?? opts.writeMapping)
      }: ${n} entries to fill in with target names, then pass it as --mapping`,
    );
  }
  if (opts.planOut) {
    const exportFile = opts.shownExportFile ?? opts.exportFile;
    await writePlanFile(opts.planOut, ctx, plan, { exportFile, onConflict, mapping });
    log.info(`Plan written to ${esc(opts.shownPlanOut ?? opts.planOut)}`);
  }
}

/**
 * --verify: reads back what the file asks for. Items that failed are not checked (their
 * failure is reported already); skipped ones are compared but listed apart.
 */
function verify(
  ctx: RunContext,
  opts: ImportOptions,
  plan: Plan,
  applied: Applied,
  valid: readonly ImportItem[],
  mapping: Mapping,
): Promise<VerifyResult> {
  const rows = itemReports(plan, applied, { kind: opts.dryRun ? "dry-run" : "done" });
  const failed = new Set(rows.filter((r) => r.Action === "failed").map((r) => r.Index));
  const skipped = new Set(rows.filter((r) => r.Action === "skipped").map((r) => r.Index));
  return verifyImport(
    ctx,
    valid.filter((it) => !failed.has(it.index)),
    mapping,
    opts.signal,
    opts.consistencyWaitMs ?? CONSISTENCY_WAIT_MS,
    skipped,
  );
}
