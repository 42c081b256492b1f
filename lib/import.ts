/**
 * The import use case: load and validate the file, read the target, plan, apply, link
 * queues, verify, and account for every item in the summary and the report. Never throws
 * for an expected failure: the result carries the exit code (DESIGN.md "Exit codes").
 */
import { dirname } from "node:path";
import { applyWrites } from "./apply.ts";
import { associate, prefetchLinks } from "./associate.ts";
import type { RunContext } from "./context.ts";
import {
  describeError,
  EXIT,
  FatalAwsError,
  isFatalForRun,
  toFatal,
  UsageError,
} from "./errors.ts";
import {
  type ImportItem,
  type InvalidItem,
  isInvalid,
  type LoadedExport,
  loadExportFile,
} from "./import_schema.ts";
import {
  type ImportReport,
  newReport,
  seedCounts,
  summarize,
  writeReport,
} from "./import_report.ts";
import { type ImportRun, type OnConflict, outcome } from "./import_run.ts";
import { isInterrupted } from "./limiter.ts";
import { esc } from "./log.ts";
import { emptyMapping, loadMapping, type Mapping } from "./mapping.ts";
import { planItems } from "./plan.ts";
import { unusedMappingEntries } from "./resolve.ts";
import { Target } from "./target.ts";
import { verify } from "./verify.ts";

export interface ImportOptions {
  exportFile: string;
  mappingFile?: string;
  dryRun?: boolean;
  onConflict?: OnConflict;
  reportFile?: string;
  verify?: boolean;
  /** Aborted on Ctrl-C/SIGTERM: no new calls, in-flight ones finish, exit 130. */
  signal?: AbortSignal;
  /** Progress of the creates and updates (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Already loaded and validated (the entrypoint does it before building a client). */
  input?: ImportInput;
}

export interface ImportInput {
  data: LoadedExport;
  mapping: Mapping;
}

export interface ImportResult {
  exitCode: number;
  /** Absent only when the input itself was rejected (exit 2). */
  report?: ImportReport;
}

/** Everything read from disk before any API call; throws UsageError (exit 2). */
export async function loadImportInput(
  opts: Pick<ImportOptions, "exportFile" | "mappingFile" | "reportFile">,
): Promise<ImportInput> {
  const data = await loadExportFile(opts.exportFile);
  const mapping = opts.mappingFile ? await loadMapping(opts.mappingFile) : emptyMapping();
  if (opts.reportFile) await checkWritableDir(opts.reportFile);
  return { data, mapping };
}

/** The report is written last; a typo in its directory must not cost a whole run. */
async function checkWritableDir(file: string): Promise<void> {
  // "/report.json" → "/", "report.json" → ".", "out/r.json" → "out".
  const target = dirname(file);
  try {
    const st = await Deno.stat(target);
    if (!st.isDirectory) throw new Error("not a directory");
  } catch {
    throw new UsageError(`Cannot write report "${file}": directory "${target}" does not exist`);
  }
}

const NOT_REACHED =
  "Not attempted: the import was interrupted before this item was reached; run the same import again to finish it";

export async function runImport(ctx: RunContext, opts: ImportOptions): Promise<ImportResult> {
  const log = ctx.logger;
  const dryRun = opts.dryRun ?? false;
  const onConflict = opts.onConflict ?? "skip";
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
  log.info(`Loaded export data from ${esc(opts.exportFile)}`);
  log.info(`Total quick connects in export: ${data.items.length}`);
  if (data.failedExports > 0) {
    log.warning(
      `The export file lists ${data.failedExports} quick connects that could not be exported (FailedQuickConnects); they are not imported`,
    );
  }

  const report = newReport({
    InstanceId: ctx.instanceId,
    Region: ctx.region,
    ExportFile: opts.exportFile,
    DryRun: dryRun,
    OnConflict: onConflict,
  });
  const run: ImportRun = {
    client: ctx.client,
    instanceId: ctx.instanceId,
    region: ctx.region,
    endpoint: ctx.endpoint,
    logger: log,
    target: new Target({
      client: ctx.client,
      instanceId: ctx.instanceId,
      region: ctx.region,
      endpoint: ctx.endpoint,
      logger: log,
    }),
    mapping,
    dryRun,
    onConflict,
    signal: opts.signal,
    outcomes: new Map(),
    resolved: new Map(),
    warnings: report.Warnings,
    onProgress: opts.onProgress,
  };

  const valid: ImportItem[] = [];
  let fatal: FatalAwsError | undefined;
  // Backstop: any other error still ends with an ERROR line, the summary and the report.
  let unexpected: unknown;
  let interrupted = false;
  try {
    for (const it of data.items) {
      if (isInvalid(it)) failInvalid(run, it);
      else valid.push(it);
    }
    for (const it of valid) {
      if (it.droppedTags.length === 0) continue;
      const msg = `Dropping aws: tags of quick connect ${esc(it.name)} (reserved, cannot be set): ${
        it.droppedTags.map(esc).join(", ")
      }`;
      log.warning(msg);
      run.warnings.push(msg);
    }
    for (const entry of unusedMappingEntries(mapping, valid)) {
      const msg = `Mapping entry ${esc(entry)} matches nothing in the export file`;
      log.warning(msg);
      run.warnings.push(msg);
    }

    if (valid.length > 0) {
      // A failure here resurfaces where the links are needed, with its own handling.
      prefetchLinks(run, valid).catch(() => {});
      log.info("Fetching existing quick connects...");
      const existing = await run.target.quickConnects(onConflict === "update");
      log.info(`Found ${existing.size} existing quick connects`);
      const writes = await planItems(run, valid, existing);
      if (!dryRun) await applyWrites(run, writes);
      await associate(run, valid, report.Associations);
      if (opts.verify) report.Verify = await verify(run, valid);
    }
  } catch (err) {
    if (isInterrupted(err) || (opts.signal?.aborted && !(err instanceof FatalAwsError))) {
      interrupted = true;
    } else if (err instanceof FatalAwsError || isFatalForRun(err)) {
      fatal = err instanceof FatalAwsError ? err : toFatal(err, ctx, "the Amazon Connect API");
      // Two lines, as export: the cause, then what to do about it.
      log.error(esc(fatal.message));
      log.error(`What to do: ${esc(fatal.hint ?? "see the log file for details")}`);
    } else {
      unexpected = err;
      log.error(
        `Unexpected error, the import stopped: ${
          esc(describeError(err))
        }; the summary and report account for every item`,
      );
      if (err instanceof Error && err.stack) log.debug(esc(err.stack));
    }
  }
  if (opts.signal?.aborted) interrupted = true;

  // Every item of the file ends with an outcome and a reason.
  for (const it of valid) {
    if (run.outcomes.has(it.index)) continue;
    const reason = fatal
      ? `Not attempted: ${fatal.message}`
      : unexpected !== undefined
      ? `Not attempted: the import stopped on an unexpected error (${describeError(unexpected)})`
      : NOT_REACHED;
    run.outcomes.set(it.index, outcome(it, "failed", { Error: reason }));
  }
  report.Items = [...run.outcomes.values()].sort((a, b) => a.Index - b.Index);
  report.Summary = summarize(report.Items);
  report.Interrupted = interrupted;

  const s = report.Summary;
  const a = report.Associations;
  log.info(
    `Created: ${s.Created}, Updated: ${s.Updated}, Unchanged: ${s.Unchanged}, Skipped: ${s.Skipped}, Failed: ${s.Failed}${
      dryRun ? " (dry run: what would happen)" : ""
    }`,
  );
  log.info(
    `Queue links: added ${a.Added}, already present ${a.AlreadyPresent}, failed ${a.Failed}${
      dryRun ? " (dry run: would add)" : ""
    }`,
  );
  if (interrupted) {
    log.warning(
      `Import process interrupted! ${
        report.Items.filter((i) => i.Error === NOT_REACHED).length
      } quick connects were not attempted; run the same command again to finish`,
    );
  } else {
    log.info("Import process completed!");
  }
  const c = seedCounts(s);
  log.info(`Successful: ${c.successful}`);
  log.info(`Failed: ${c.failed}`);
  log.info(`Skipped: ${c.skipped}`);

  const exitCode = interrupted
    ? EXIT.interrupted
    : fatal
    ? EXIT.fatalAws
    : unexpected !== undefined || s.Failed > 0 || a.Failed > 0 ||
        (report.Verify?.Differences.length ?? 0) > 0
    ? EXIT.partial
    : EXIT.ok;
  report.ExitCode = exitCode;
  report.FinishedAt = new Date().toISOString();
  if (opts.reportFile) {
    try {
      await writeReport(opts.reportFile, report);
      log.info(`Report written to ${esc(opts.reportFile)}`);
    } catch (err) {
      log.error(
        `Cannot write report "${esc(opts.reportFile)}": ${
          esc(err instanceof Error ? err.message : String(err))
        }`,
      );
      return { exitCode: exitCode === EXIT.ok ? EXIT.partial : exitCode, report };
    }
  }
  return { exitCode, report };
}

function failInvalid(run: ImportRun, it: InvalidItem): void {
  if (it.missingName) {
    // The seed's wording, with the item shown as compact, escaped, bounded JSON.
    let data = JSON.stringify(it.raw) ?? String(it.raw);
    if (data.length > 300) data = data.slice(0, 300) + "…";
    run.logger.error(`Quick connect missing 'Name' field in data: ${esc(data)} (${esc(it.error)})`);
  } else {
    run.logger.error(
      `Invalid quick connect ${esc(it.name ?? `at QuickConnects[${it.index}]`)}: ${esc(it.error)}`,
    );
  }
  run.outcomes.set(it.index, {
    Index: it.index,
    Name: it.name ?? null,
    SourceId: it.sourceId ?? null,
    Action: "failed",
    TargetId: null,
    Error: it.error,
  });
}
