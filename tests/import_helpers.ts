/**
 * Shared setup for the import tests: a context on the real client factory (rate limiter
 * middleware, our retry policy without delays) pointed at an in-process emulator, an
 * export of an emulated instance, and small look-ups into emulator state.
 */
import assert from "node:assert/strict";
import { runExport } from "../lib/export/run_export.ts";
import type { ExportFile } from "../lib/export_file.ts";
import { type ImportOptions, type ImportResult, runImport } from "../lib/import/run_import.ts";
import type { Emulator, Fixture } from "./emulator/testing.ts";
import { MUTATING_OPERATIONS } from "./emulator/routes.ts";

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

/** Runs an import into `alias` and returns the result with the console lines. */
export async function importInto(
  emu: Emulator,
  alias: string,
  opts: ImportOptions,
  ctxOpts: Parameters<typeof context>[2] = {},
): Promise<ImportResult & { lines: string[]; dir: string }> {
  const run = await context(emu, idOf(emu.state(), alias), ctxOpts);
  try {
    const result = await runImport(run.ctx, opts);
    return { ...result, lines: run.lines, dir: run.dir };
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
