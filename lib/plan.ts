/**
 * Decides what happens to each valid item: create, update, unchanged, skip or fail. The
 * name check comes first, so under `--on-conflict skip` an existing quick connect is
 * skipped without resolving (or listing) anything for it. Dry-run lines are logged here.
 */
import type { ImportItem } from "./import_schema.ts";
import { describeError, isFatalForRun, toFatal } from "./errors.ts";
import { checkpoint, type ImportRun, outcome, type PlannedWrite } from "./import_run.ts";
import { isInterrupted } from "./limiter.ts";
import { esc } from "./log.ts";
import { changedParts, diffQuickConnect, userTags } from "./qc_diff.ts";
import { resolveConfig } from "./resolve.ts";
import type { ExistingQuickConnect } from "./target.ts";

export async function planItems(
  run: ImportRun,
  items: readonly ImportItem[],
  existing: Map<string, ExistingQuickConnect>,
): Promise<PlannedWrite[]> {
  const writes: PlannedWrite[] = [];
  const log = run.logger;
  for (const item of items) {
    checkpoint(run);
    const name = esc(item.name);
    const ex = existing.get(item.name);
    if (ex && run.onConflict === "skip") {
      log.warning(`Quick connect already exists: ${name}`);
      run.outcomes.set(item.index, outcome(item, "skipped", { TargetId: ex.id }));
      continue;
    }
    if (ex && run.onConflict === "fail") {
      log.error(`Quick connect already exists: ${name} (--on-conflict fail)`);
      run.outcomes.set(
        item.index,
        outcome(item, "failed", {
          TargetId: ex.id,
          Error:
            "A quick connect with this name already exists in the target (--on-conflict fail); use --on-conflict skip or update",
        }),
      );
      continue;
    }
    const r = await resolveConfig(item, run.target, run.mapping);
    if (!r.ok) {
      log.error(`Cannot import quick connect ${name}: ${esc(r.error)}`);
      run.outcomes.set(
        item.index,
        outcome(item, "failed", { TargetId: ex?.id ?? null, Error: r.error }),
      );
      continue;
    }
    run.resolved.set(item.index, r.value);
    if (!ex) {
      writes.push({ item, kind: "create", config: r.value });
      if (run.dryRun) {
        log.info(`[DRY RUN] Would create quick connect: ${name}`);
        run.outcomes.set(item.index, outcome(item, "would-create"));
      }
      continue;
    }
    let have;
    try {
      have = await run.target.detail(ex.id);
    } catch (err) {
      if (isInterrupted(err)) throw err;
      if (isFatalForRun(err)) throw toFatal(err, run, "connect:DescribeQuickConnect");
      const msg = `Cannot read the existing quick connect ${ex.id} to compare it: ${
        describeError(err)
      }; run the same import again to update it`;
      log.error(`Error updating quick connect ${name}: ${esc(msg)}`);
      run.outcomes.set(item.index, outcome(item, "failed", { TargetId: ex.id, Error: msg }));
      continue;
    }
    const diffs = diffQuickConnect(
      { description: item.description, config: r.value, tags: item.tags },
      have,
    );
    if (diffs.length === 0) {
      log.info(`Quick connect unchanged: ${name} -> ${ex.id}`);
      run.outcomes.set(item.index, outcome(item, "unchanged", { TargetId: ex.id }));
      continue;
    }
    const parts = changedParts(diffs);
    writes.push({
      item,
      kind: "update",
      config: r.value,
      existing: { id: ex.id, arn: have.QuickConnectARN ?? ex.arn, tags: userTags(have.Tags) },
      parts,
    });
    for (const d of diffs) {
      log.debug(`${esc(item.name)}: ${esc(d.field)} ${esc(d.actual)} -> ${esc(d.expected)}`);
    }
    if (run.dryRun) {
      log.info(`[DRY RUN] Would update quick connect: ${name} (${parts.join(", ")})`);
      run.outcomes.set(
        item.index,
        outcome(item, "would-update", { TargetId: ex.id, Changes: parts }),
      );
    }
  }
  return writes;
}
