/**
 * Shared setup for the import tests: a context on the real client factory (rate limiter
 * middleware, our retry policy without delays) pointed at an in-process emulator, an
 * export of an emulated instance, a small target instance and phone quick connects to
 * import into it, and small look-ups into emulator state.
 */
import assert from "node:assert/strict";
import { runExport } from "../lib/export/run_export.ts";
import type { ExportFile } from "../lib/export_file.ts";
import { type ImportOptions, type ImportSource, runImport } from "../lib/import/run_import.ts";
import type { Filters } from "../lib/filters.ts";
import { IMPORT_COMMAND } from "../lib/cli/import_command.ts";
import { loadImportInput } from "../lib/import/input.ts";
import type { OnConflict } from "../lib/import/plan.ts";
import type { UndoSource } from "../lib/import/undo.ts";
import type { Path } from "../lib/path.ts";
import { UsageError } from "../lib/errors.ts";
import { esc } from "../lib/log.ts";
import type { Emulator, Fixture, FixtureInput } from "../emulator/testing.ts";
import { MUTATING_OPERATIONS } from "../emulator/routes.ts";

export const LOG_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - (INFO|WARNING|ERROR|DEBUG) - /;

/** The operations that change state: the emulator's route table says which. */
export const MUTATING: readonly string[] = MUTATING_OPERATIONS;

export { instance, testContext as context, type TestRun } from "./support/context.ts";
import { instance, testContext as context } from "./support/context.ts";

export const idOf = (state: Fixture, alias: string): string => instance(state, alias).Id ?? "";

/** Exports an emulated instance with our export and returns the file path and content. */
export async function exportInstance(
  emu: Emulator,
  alias: string,
): Promise<{ path: string; file: ExportFile }> {
  const run = await context(emu, idOf(emu.state(), alias));
  const path = `${run.dir}/export.json`;
  const r = await runExport(run.ctx, { output: path });
  run.ctx.logger.close();
  assert.equal(r.exitCode, 0, "export of the source");
  return { path, file: JSON.parse(await Deno.readTextFile(path)) as ExportFile };
}

/** The import options tests give, as flags would: an export file or an undo, and the rest. */
export interface TestImport {
  exportFile?: string;
  mappingFile?: string;
  onConflict?: OnConflict;
  dryRun?: boolean;
  verify?: boolean;
  reportFile?: string;
  consistencyWaitMs?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  prune?: boolean;
  pruneLinks?: boolean;
  maxDeletes?: number;
  detailedExitcode?: boolean;
  filters?: Filters;
  /** A report to undo (instead of an export file). */
  undo?: UndoSource;
  force?: boolean;
}

/** The use case's options for a test's import, the export file loaded as the CLI does. */
export async function importOptions(t: TestImport): Promise<ImportOptions> {
  const at = (path: string): Path => ({ path, shown: path });
  const source: ImportSource = t.undo
    ? { kind: "undo", file: at("report.json"), report: t.undo, force: t.force }
    : {
      kind: "file",
      file: at(t.exportFile ?? ""),
      input: await loadImportInput(
        at(t.exportFile ?? ""),
        t.mappingFile ? at(t.mappingFile) : undefined,
      ),
      onConflict: t.onConflict ?? "skip",
      filters: t.filters,
      prune: t.prune,
      pruneLinks: t.pruneLinks,
    };
  return {
    source,
    dryRun: t.dryRun,
    verify: t.verify,
    detailedExitcode: t.detailedExitcode,
    report: t.reportFile ? at(t.reportFile) : undefined,
    maxDeletes: t.maxDeletes ?? Number(IMPORT_COMMAND.flags["max-deletes"]?.default),
    // The flag's own default, as a user gets it (lib/cli/import_command.ts).
    consistencyWaitMs: t.consistencyWaitMs ??
      Number(IMPORT_COMMAND.flags["consistency-wait"]?.default) * 1000,
    session: { signal: t.signal, onProgress: t.onProgress },
  };
}

/** Runs an import into `alias` and returns the result with the console lines. */
export async function importInto(
  emu: Emulator,
  alias: string,
  opts: TestImport,
  ctxOpts: Parameters<typeof context>[2] = {},
): Promise<
  (Awaited<ReturnType<typeof runImport>> | { exitCode: number; report: undefined }) & {
    lines: string[];
    dir: string;
  }
> {
  const run = await context(emu, idOf(emu.state(), alias), ctxOpts);
  try {
    // The emulator lists every change at once unless told to lag: no waiting for differences.
    const options = await importOptions({ consistencyWaitMs: 0, ...opts });
    const result = await runImport(run.ctx, options);
    return { ...result, lines: run.lines, dir: run.dir };
  } catch (err) {
    // A refusal before any call, as the CLI's one usage-error path logs it.
    if (!(err instanceof UsageError)) throw err;
    run.ctx.logger.error(esc(err.message));
    return { exitCode: 2, report: undefined, lines: run.lines, dir: run.dir };
  } finally {
    run.ctx.logger.close();
  }
}

/** Writes JSON to a fresh temp file. */
export async function tempJson(data: unknown, name = "file.json"): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "import_test_" });
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, JSON.stringify(data, null, 2));
  return path;
}

/** Only the mutating operations of a call count (see MUTATING). */
export function mutatingCalls(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const op of MUTATING) if (counts[op]) out[op] = counts[op];
  return out;
}

/** A quick connect of an instance by name. */
export function qcByName(
  inst: Fixture["Instances"][number],
  name: string,
): Fixture["Instances"][number]["QuickConnects"][number] | undefined {
  return inst.QuickConnects.find((q) => q.Name === name);
}

/** Queue names each quick connect (by name) is linked to, sorted. */
export function linksByName(inst: Fixture["Instances"][number]): Record<string, string[]> {
  const qcName = new Map(inst.QuickConnects.map((q) => [q.QuickConnectId, q.Name]));
  const queueName = new Map(inst.Queues.map((q) => [q.Id, q.Name]));
  const out: Record<string, string[]> = {};
  for (const [qid, ids] of Object.entries(inst.QueueQuickConnects)) {
    for (const id of ids) {
      const n = qcName.get(id) ?? id;
      (out[n] ??= []).push(queueName.get(qid) ?? qid);
    }
  }
  for (const v of Object.values(out)) v.sort();
  return out;
}

// ---------------------------------------------------------------- a small target

export const ACCOUNT = "123456789012";
export const TARGET_ID = "00000000-0000-4000-8000-0000000000bb";
export const PHONE = "+14155550100";

type SeedInstance = FixtureInput["Instances"][number];

/** One instance "target" (us-east-1) with a Support queue; `extra` adds or replaces fields. */
export function targetSeed(extra: Partial<SeedInstance> = {}): FixtureInput {
  return {
    Instances: [{
      Id: TARGET_ID,
      Alias: "target",
      Region: "us-east-1",
      AccountId: ACCOUNT,
      Queues: [{ Id: "q-support", Name: "Support" }],
      ...extra,
    }],
  };
}

/** An export file item: a PHONE_NUMBER quick connect linked to the named queues. */
export function phoneItem(
  name: string,
  opts: { tags?: Record<string, string>; description?: string; queues?: string[] } = {},
) {
  return {
    QuickConnect: {
      QuickConnectId: `src-${name}`,
      Name: name,
      ...(opts.description ? { Description: opts.description } : {}),
      QuickConnectConfig: { QuickConnectType: "PHONE_NUMBER", PhoneConfig: { PhoneNumber: PHONE } },
    },
    Tags: opts.tags ?? {},
    ExportTimestamp: "2026-01-01T00:00:00Z",
    Queues: (opts.queues ?? []).map((q) => ({ Id: `src-queue-${q}`, Name: q })),
  };
}

/** Phone quick connects already in the target (seed form), IDs qc-0, qc-1, … */
export function existingPhones(names: string[], tags: Record<string, string> = {}) {
  return names.map((n, i) => ({
    QuickConnectId: `qc-${i}`,
    Name: n,
    QuickConnectConfig: {
      QuickConnectType: "PHONE_NUMBER" as const,
      PhoneConfig: { PhoneNumber: PHONE },
    },
    ...(Object.keys(tags).length > 0 ? { Tags: tags } : {}),
  }));
}

/** Whether any console line contains `text`. */
export const hasLine = (lines: string[], text: string): boolean =>
  lines.some((l) => l.includes(text));

/** A report file as written, parsed. */
export async function readReport(path: string) {
  return JSON.parse(await Deno.readTextFile(path));
}
