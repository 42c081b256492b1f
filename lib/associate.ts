/**
 * Links quick connects to their queues in the target: each source queue (from the item's
 * `Queues`) is found by mapping › name › same ID among the target's standard queues.
 * Links are additive and cover every item whose quick connect exists in the target after
 * the run, so a re-run completes what an interrupted or failed one left out. Existing
 * links are read first and skipped; the rest go in batches of at most 50 IDs (the API's
 * limit per AssociateQueueQuickConnects call).
 */
import { AssociateQueueQuickConnectsCommand, type QueueSummary } from "@aws-sdk/client-connect";
import { describeError } from "./errors.ts";
import type { ImportItem } from "./import_schema.ts";
import type { AssociationCounts } from "./import_report.ts";
import { checkpoint, type ImportRun } from "./import_run.ts";
import { isInterrupted } from "./limiter.ts";
import { esc } from "./log.ts";
import { resolveQueue } from "./resolve.ts";

export const MAX_IDS_PER_CALL = 50;

/** Quick connect IDs wanted on each target queue. */
export interface WantedLinks {
  queue: QueueSummary;
  /** Quick connect ID → item name (for messages). */
  quickConnects: Map<string, string>;
}

const LINKED_ACTIONS = new Set(["created", "updated", "unchanged", "skipped"]);
const WOULD_ACTIONS = new Set(["would-create", "would-update"]);

/** The links the file asks for, resolved to target queues; unresolvable ones in `errors`. */
export async function wantedLinks(
  run: ImportRun,
  items: readonly ImportItem[],
  includeWould: boolean,
): Promise<{ wanted: Map<string, WantedLinks>; errors: string[] }> {
  const wanted = new Map<string, WantedLinks>();
  const errors: string[] = [];
  const withQueues = items.filter((it) => {
    const o = run.outcomes.get(it.index);
    return it.queues.length > 0 && o !== undefined &&
      (LINKED_ACTIONS.has(o.Action) || (includeWould && WOULD_ACTIONS.has(o.Action)));
  });
  if (withQueues.length === 0) return { wanted, errors };
  const queues = await run.target.queues();
  for (const it of withQueues) {
    const o = run.outcomes.get(it.index);
    // A quick connect that does not exist yet (dry run) gets a stand-in ID.
    const qcId = o?.TargetId ?? `(new) ${it.name}`;
    for (const src of it.queues) {
      const r = resolveQueue(queues, run.mapping, src.Id, src.Name);
      if (!r.ok) {
        errors.push(`${it.name} → ${r.error}`);
        continue;
      }
      const qid = r.value.Id ?? "";
      let w = wanted.get(qid);
      if (!w) wanted.set(qid, w = { queue: r.value, quickConnects: new Map() });
      w.quickConnects.set(qcId, it.name);
    }
  }
  return { wanted, errors };
}

/**
 * Starts reading, in the background, the links of every target queue the file's items
 * point to: those reads use their own quota bucket and would otherwise wait for all the
 * creates. Failures are not lost: associate() meets them again when it asks.
 */
export async function prefetchLinks(run: ImportRun, items: readonly ImportItem[]): Promise<void> {
  if (!items.some((it) => it.queues.length > 0)) return;
  const queues = await run.target.queues();
  const ids = new Set<string>();
  for (const it of items) {
    for (const src of it.queues) {
      const r = resolveQueue(queues, run.mapping, src.Id, src.Name);
      if (r.ok && r.value.Id) ids.add(r.value.Id);
    }
  }
  run.target.prefetchAssociations([...ids]);
}

/** Adds the missing links; `counts` is updated as it goes, so an interruption keeps them. */
export async function associate(
  run: ImportRun,
  items: readonly ImportItem[],
  counts: AssociationCounts,
): Promise<void> {
  const log = run.logger;
  const { wanted, errors } = await wantedLinks(run, items, run.dryRun);
  for (const e of errors) {
    counts.Failed++;
    counts.Errors.push(e);
    log.error(`Cannot link quick connect ${esc(e)}`);
  }
  if (wanted.size === 0) return;
  checkpoint(run);
  const { links, failed } = await run.target.associations([...wanted.keys()]);
  for (const [qid, w] of wanted) {
    const qname = esc(w.queue.Name ?? qid);
    const readErr = failed.get(qid);
    if (readErr !== undefined) {
      const msg = `queue '${w.queue.Name ?? qid}': cannot read its quick connects (${
        describeError(readErr)
      })`;
      counts.Failed += w.quickConnects.size;
      counts.Errors.push(msg);
      log.error(`Error associating quick connects with ${esc(msg)}`);
      continue;
    }
    const present = links.get(qid) ?? new Set<string>();
    const missing = [...w.quickConnects.keys()].filter((id) => !present.has(id));
    counts.AlreadyPresent += w.quickConnects.size - missing.length;
    if (missing.length === 0) continue;
    if (run.dryRun) {
      counts.Added += missing.length;
      log.info(`[DRY RUN] Would associate ${missing.length} quick connects with queue '${qname}'`);
      continue;
    }
    for (let i = 0; i < missing.length; i += MAX_IDS_PER_CALL) {
      checkpoint(run);
      const batch = missing.slice(i, i + MAX_IDS_PER_CALL);
      try {
        await run.client.send(
          new AssociateQueueQuickConnectsCommand({
            InstanceId: run.instanceId,
            QueueId: qid,
            QuickConnectIds: batch,
          }),
        );
        counts.Added += batch.length;
        log.info(`Associated ${batch.length} quick connects with queue '${qname}'`);
      } catch (err) {
        if (isInterrupted(err)) throw err;
        counts.Failed += batch.length;
        const msg = `queue '${w.queue.Name ?? qid}': ${describeError(err)} (${
          batch.map((id) => w.quickConnects.get(id) ?? id).join(", ")
        })`;
        counts.Errors.push(msg);
        log.error(`Error associating quick connects with ${esc(msg)}`);
      }
    }
  }
}
