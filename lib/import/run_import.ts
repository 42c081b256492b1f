/**
 * The import use case, orchestration only: load the input, make the plan (from an export
 * file, a saved plan or a report to undo), log it, apply it unless this is a dry run,
 * verify, and account for every item in the summary and the report — all made from the plan
 * and the run's journal (journal.ts). A refusal before any change is a UsageError, thrown to
 * the CLI's one usage-error path; every other ending is a result with its exit code.
 */
import type { RunContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import { endOf, exitCode, logEnd, type Stop } from "../exit.ts";
import { writeJsonAtomicSync } from "../json_file.ts";
import { esc, type Logger, logMemory, plural } from "../log.ts";
import type { Path } from "../path.ts";
import { applyPlan } from "./apply.ts";
import { type ImportInput, type ImportItem, isInvalid } from "./input.ts";
import { writeMappingTemplate } from "./mapping.ts";
import { Journal } from "./journal.ts";
import { RecordFile } from "./record_file.ts";
import { TOOL_NAME, VERSION } from "../version.ts";
import { type OnConflict, type Plan, unresolved } from "./plan.ts";
import { writePlanFile } from "./plan_file.ts";
import { reviewMarkdown } from "./review.ts";
import { type ImportReport, itemReports, newReport, type VerifyResult } from "./report.ts";
import { getInput, type ImportSource, knownPlan, makePlan } from "./sources.ts";

export type { ImportSource };
import { importReport, logPlan, logSummary } from "./summary.ts";
import { verifyImport } from "./verify.ts";

export interface ImportOptions {
  source: ImportSource;
  dryRun?: boolean;
  /** Dry run: exit 4 when the plan would change the target, 0 when it matches. */
  detailedExitcode?: boolean;
  verify?: boolean;
  /** --report FILE: written by every run, a dry run's too. */
  report?: Path;
  /**
   * Where a run that changes something keeps its journal and report when --report is not
   * given (a unique default name). A run that changes nothing leaves no file.
   */
  record?: Path;
  /** --review FILE, and $GITHUB_STEP_SUMMARY (appended to): the dry run's plan as Markdown. */
  review?: { file?: Path; stepSummary?: string };
  /** --quick-connect-quota: the instance's quota of quick connects, for the plan's warning. */
  quickConnectQuota?: number;
  /** --max-deletes: the most quick connects --prune may delete. */
  maxDeletes: number;
  /** --consistency-wait: how long lists may lag behind a change (eventual consistency). */
  consistencyWaitMs: number;
  /** What the runner hands the use case for the process (lib/cli/run_cli.ts Session). */
  session?: {
    /** Aborted on Ctrl-C/SIGTERM: no new calls, in-flight ones finish, exit 130. */
    signal?: AbortSignal;
    /** Progress of the creates and updates (done, total). */
    onProgress?: (done: number, total: number) => void;
    /** Receives what must run synchronously if the process is stopped at once. */
    onForcedStop?: (finish: () => void) => void;
    /** What the user runs the import as (`deno task import`, a binary…), for the undo line. */
    program?: string;
  };
}

/** The conflict policy the run applies: the file run's, or the saved plan's own. */
function policyOf(source: ImportSource): OnConflict {
  return source.kind === "file"
    ? source.onConflict
    : source.kind === "plan"
    ? source.plan.OnConflict
    : "skip";
}

export async function runImport(
  ctx: RunContext,
  opts: ImportOptions,
): Promise<{ exitCode: number; report: ImportReport }> {
  const log = ctx.logger;
  const dryRun = opts.dryRun ?? false;
  const onConflict = policyOf(opts.source);
  logIntro(ctx, dryRun);
  const input = getInput(log, opts.source);
  const meta = newReport({
    InstanceId: ctx.instanceId,
    Region: ctx.region,
    ExportFile: opts.source.file.shown,
    DryRun: dryRun,
    OnConflict: onConflict,
  });
  const file = recordFile(log, opts, dryRun);
  file?.checkWritable();
  const record = new Journal({
    tool: TOOL_NAME,
    version: VERSION,
    instanceId: ctx.instanceId,
    region: ctx.region,
    source: opts.source.file.shown,
  }, dryRun ? undefined : file);
  // Known before the target is read for a saved plan: a run stopped while the plan is
  // checked against the target reports the plan's items.
  let plan: Plan | undefined = knownPlan(opts.source);
  const conclude = (stop: Stop | undefined) => {
    const report = importReport({
      meta,
      plan,
      items: input.data.items,
      record,
      stop,
      dryRun,
      detailedExitcode: opts.detailedExitcode,
      pruning: opts.source.kind === "file" && (opts.source.prune || opts.source.pruneLinks),
      finishedAt: new Date().toISOString(),
    });
    logSummary(log, report, stop, dryRun, record.intents.length > 0);
    return report;
  };
  const finish = reportOnce(ctx, opts, file, conclude);
  let stop: Stop | undefined;
  try {
    const verified = await carryOut(ctx, opts, input, record, (p) => plan = p);
    if (verified) meta.Verify = verified;
  } catch (err) {
    const end = endOf(err, { aborted: opts.session?.signal?.aborted, where: ctx });
    if (end.kind === "refused" || end.kind === "finished") throw err;
    stop = end;
    logEnd(log, end, "Unexpected error, the import stopped");
  }
  if (!stop && opts.session?.signal?.aborted) stop = { kind: "interrupted" };
  return await finish(stop);
}

/** The run's work: the plan, then its changes (unless a dry run), then --verify. */
async function carryOut(
  ctx: RunContext,
  opts: ImportOptions,
  input: ImportInput,
  record: Journal,
  planned: (plan: Plan) => void,
): Promise<VerifyResult | undefined> {
  const log = ctx.logger;
  const dryRun = opts.dryRun ?? false;
  const made = await makePlan(ctx, opts.source, input, {
    driftCheck: dryRun && (opts.detailedExitcode ?? false),
    quota: opts.quickConnectQuota,
  });
  const plan = made.plan;
  planned(plan);
  logMemory(log, "the plan made");
  for (const w of plan.warnings) log.warning(w);
  logPlan(plan, log, dryRun, !dryRun && pruneCount(plan) > opts.maxDeletes);
  guardDeletes(log, plan, opts.maxDeletes, dryRun);
  if (dryRun) await writeDryRunOutputs(ctx, opts, plan);
  else {
    await applyPlan({
      ...ctx,
      record,
      onConflict: policyOf(opts.source),
      search: made.state.search,
      signal: opts.session?.signal,
      onProgress: opts.session?.onProgress,
      waitMs: opts.consistencyWaitMs,
    }, plan);
  }
  logMemory(log, "the plan applied");
  return opts.verify ? await verify(ctx, opts, input, plan, record) : undefined;
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

/** The run's record file: --report, else the default name for a run that changes something. */
function recordFile(log: Logger, opts: ImportOptions, dryRun: boolean): RecordFile | undefined {
  const at = opts.report ?? (dryRun ? undefined : opts.record);
  if (!at) return undefined;
  return new RecordFile(at, (was, now) =>
    log.warning(
      `"${esc(was.shown)}" was taken by another run meanwhile: this run's record is "${
        esc(now.shown)
      }"`,
    ));
}

/**
 * Makes the report (with the closing log lines) once, at the end of the run, and writes it
 * in place of the journal. A second Ctrl-C stops the process at once: the report of what
 * was done is then written on the spot, unless it already was; the journal is on disk
 * whatever happens.
 */
function reportOnce(
  ctx: RunContext,
  opts: ImportOptions,
  file: RecordFile | undefined,
  conclude: (stop: Stop | undefined) => ImportReport,
): (stop: Stop | undefined) => Promise<{ exitCode: number; report: ImportReport }> {
  const log = ctx.logger;
  let concluded: ImportReport | undefined;
  let written = false;
  const wanted = () => file && (file.started || opts.report);
  opts.session?.onForcedStop?.(() => {
    if (written || !file || !wanted()) return;
    const report = concluded ?? conclude({ kind: "interrupted" });
    file.close();
    writeJsonAtomicSync(file.at.path, report);
    log.info(`Report written to ${esc(file.at.shown)}`);
    if (file.started) logUndoLine(ctx, opts, file.at);
  });
  return async (stop) => {
    // The run's garbage goes before the report is built on top of it (peak memory).
    collectGarbage();
    const report = concluded = conclude(stop);
    logMemory(log, "the report made");
    if (!file || !wanted()) return { exitCode: report.ExitCode, report };
    let code = report.ExitCode;
    try {
      collectGarbage();
      await file.finish(report);
      written = true;
      log.info(`Report written to ${esc(file.at.shown)}`);
    } catch (err) {
      const journal = file.started
        ? `; the run's journal "${esc(file.at.shown)}" holds its record, and --undo reads it`
        : "";
      log.error(
        `Cannot write report "${esc(file.at.shown)}": ${
          esc(err instanceof Error ? err.message : String(err))
        }${journal}`,
      );
      // The report asked for is missing: not a success.
      if (code === 0) code = exitCode({ kind: "finished", failed: true });
    }
    if (file.started) logUndoLine(ctx, opts, file.at);
    return { exitCode: code, report };
  };
}

/** The last line of a run that changed something: where its record is, and how to undo it. */
function logUndoLine(ctx: RunContext, opts: ImportOptions, at: Path): void {
  const q = (s: string) => /^[\w./:@+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
  ctx.logger.info(
    `Record of this run: ${esc(at.shown)}; to undo it: ${
      opts.session?.program ?? "import"
    } --undo ${esc(q(at.shown))} (it names the instance and Region; give the same credentials${
      ctx.endpoint ? " and endpoint" : ""
    })`,
  );
}

/**
 * A full collection before the report is written, where the binaries and tasks allow it
 * (--expose-gc): the run's garbage is gone then, and the write's own pieces come on top of
 * what is live only, not of everything the run left (peak memory, docs/benchmark.md).
 */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === "function") gc();
}

/**
 * --max-deletes bounds what --prune deletes: a run over it changes nothing; a dry run says
 * it would refuse. Undo deletes only what the undone run created and nobody changed since:
 * unbounded.
 */
function guardDeletes(log: Logger, plan: Plan, maxDeletes: number, dryRun: boolean): void {
  const pruned = pruneCount(plan);
  if (pruned <= maxDeletes) return;
  const msg = `--prune would delete ${
    plural(pruned, "quick connect")
  }, more than --max-deletes ${maxDeletes}`;
  if (!dryRun) {
    throw new UsageError(
      `${msg}: refused, nothing was changed; check the filters, then pass --max-deletes ${pruned} if that is meant`,
    );
  }
  log.warning(`${msg}: the import would refuse to run without a higher --max-deletes`);
}

const pruneCount = (plan: Plan) => plan.deletes.filter((d) => d.why === "prune").length;

/** A dry run's files: the mapping template (--write-mapping) and the plan (--plan-out). */
async function writeDryRunOutputs(ctx: RunContext, opts: ImportOptions, plan: Plan) {
  const source = opts.source;
  const log = ctx.logger;
  await writeReview(ctx, opts, plan);
  if (source.kind !== "file") return;
  const { mapping } = source.input;
  if (source.writeMapping) {
    const n = await writeMappingTemplate(source.writeMapping.path, unresolved(plan), mapping);
    log.info(
      `Mapping template written to ${esc(source.writeMapping.shown)}: ${
        plural(n, "entry", "entries")
      } to fill in with target names, then pass it as --mapping`,
    );
  }
  if (source.planOut) {
    await writePlanFile(source.planOut.path, ctx, plan, {
      exportFile: source.file.shown,
      onConflict: source.onConflict,
      mapping,
    });
    log.info(`Plan written to ${esc(source.planOut.shown)}`);
  }
}

/** --review FILE and $GITHUB_STEP_SUMMARY: the plan as Markdown (lib/import/review.ts). */
async function writeReview(ctx: RunContext, opts: ImportOptions, plan: Plan): Promise<void> {
  const { file, stepSummary } = opts.review ?? {};
  if (!file && !stepSummary) return;
  const text = reviewMarkdown(plan, {
    instanceId: ctx.instanceId,
    region: ctx.region,
    source: opts.source.file.shown,
    onConflict: opts.source.kind === "undo" ? undefined : policyOf(opts.source),
    title: opts.source.kind === "undo"
      ? `Undo of ${opts.source.file.shown}: review`
      : "Quick connect import: review",
  });
  if (file) {
    await Deno.writeTextFile(file.path, text, { mode: 0o600 });
    ctx.logger.info(`Review written to ${esc(file.shown)}`);
  }
  if (stepSummary) await Deno.writeTextFile(stepSummary, text, { append: true });
}

/**
 * --verify: reads back what the file asks for. Items that failed (or whose fate is
 * uncertain) are not checked (their failure is reported already); skipped ones are
 * compared but listed apart. Which are which comes from the plan and the run's record.
 */
function verify(
  ctx: RunContext,
  opts: ImportOptions,
  input: ImportInput,
  plan: Plan,
  record: Journal,
): Promise<VerifyResult> {
  const rows = itemReports(plan, record, { kind: opts.dryRun ? "dry-run" : "done" });
  const failed = new Set(rows.filter((r) => r.Action === "failed").map((r) => r.Index));
  const skipped = new Set(rows.filter((r) => r.Action === "skipped").map((r) => r.Index));
  const valid = input.data.items.filter((it): it is ImportItem => !isInvalid(it));
  return verifyImport(
    ctx,
    valid.filter((it) => !failed.has(it.index)),
    input.mapping,
    opts.session?.signal,
    opts.consistencyWaitMs,
    skipped,
  );
}
