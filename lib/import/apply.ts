/**
 * Carries out a plan: four lanes at once, each on its own quota buckets — creates (in an
 * order that completes queues early), updates, removals (--prune, --prune-links, undo) and
 * the links of every queue whose quick connects all exist. Each call's answer goes into the
 * run's journal (journal.ts), which apply alone writes; the report is made from the plan and
 * that record, even when a second Ctrl-C stops the process midway.
 */
import { isInterrupted } from "../aws/limiter.ts";
import { esc } from "../log.ts";
import type { ApplyContext } from "./apply_context.ts";
import { create, type CreateEntry } from "./create.ts";
import { LinkLane } from "./links.ts";
import type { Plan } from "./plan.ts";
import { applyRemovals } from "./removals.ts";
import { update, type UpdateEntry } from "./update.ts";
import { checkpoint } from "./wait.ts";

/** The first failure that stops the run (Ctrl-C, credentials) stops the other lanes too. */
export async function applyPlan(ac: ApplyContext, plan: Plan): Promise<void> {
  const creates = orderCreates(
    plan.entries.filter((e): e is CreateEntry => e.kind === "create"),
    plan,
  );
  const updates = plan.entries.filter((e): e is UpdateEntry => e.kind === "update");
  const stop = new AbortController();
  const ctx = {
    ...ac,
    signal: ac.signal ? AbortSignal.any([ac.signal, stop.signal]) : stop.signal,
  };
  const links = new LinkLane(plan, new Set(creates.map((c) => c.item.index)));
  const total = creates.length + updates.length;
  let done = 0;
  const progress = () => ac.onProgress?.(done++, total);
  progress();
  const lanes = [
    async () => {
      try {
        await createLane(ctx, creates, { settled: (i) => links.settled(i), progress });
      } finally {
        links.close();
      }
    },
    async () => {
      for (const w of updates) {
        checkpoint(ctx.signal);
        await update(ctx, w);
        progress();
      }
    },
    () => applyRemovals(ctx, plan),
    () => links.run(ctx),
  ];
  const results = await Promise.allSettled(lanes.map(async (run) => {
    try {
      await run();
    } catch (err) {
      stop.abort();
      throw err;
    }
  }));
  // The cause, not the interruption it caused in the other lanes.
  const failures = results.flatMap((r) => r.status === "rejected" ? [r.reason] : []);
  const first = failures.find((e) => !isInterrupted(e)) ?? failures[0];
  if (first !== undefined) throw first;
}

/**
 * After the first LimitExceededException every further create would hit the same instance
 * quota: those items fail without a call (not attempted), updates still go ahead.
 */
async function createLane(
  ctx: ApplyContext,
  creates: readonly CreateEntry[],
  on: { settled: (index: number) => void; progress: () => void },
): Promise<void> {
  let quotaError: string | undefined;
  for (const w of creates) {
    checkpoint(ctx.signal);
    if (quotaError) {
      const reason = `Not attempted: ${quotaError}`;
      ctx.logger.error(`Error creating quick connect ${esc(w.item.name)}: ${esc(reason)}`);
      ctx.record.settle(w.item.index, { result: "not-attempted", reason });
    } else {
      quotaError = await create(ctx, w);
    }
    on.settled(w.item.index);
    on.progress();
  }
}

/**
 * Creates in the order that completes queues soonest: the queue that waits for the fewest
 * creates goes first, then the next, so its links can be sent while the rest are created.
 * Creates no queue waits for come last, in file order.
 */
function orderCreates<T extends { item: { index: number } }>(creates: T[], plan: Plan): T[] {
  const isCreate = new Set(creates.map((c) => c.item.index));
  const pending = plan.links
    .map((q) => new Set(q.add.map((l) => l.index).filter((i) => isCreate.has(i))))
    .filter((s) => s.size > 0);
  const placed = new Set<number>();
  const order: number[] = [];
  while (pending.length > 0) {
    let best = 0;
    for (let i = 1; i < pending.length; i++) {
      if (pending[i]!.size < pending[best]!.size) best = i;
    }
    const next = pending.splice(best, 1)[0]!;
    for (const i of next) {
      placed.add(i);
      order.push(i);
    }
    for (const s of pending) for (const i of next) s.delete(i);
    for (let i = pending.length - 1; i >= 0; i--) if (pending[i]!.size === 0) pending.splice(i, 1);
  }
  const byIndex = new Map(creates.map((c) => [c.item.index, c]));
  return [
    ...order.map((i) => byIndex.get(i)!),
    ...creates.filter((c) => !placed.has(c.item.index)),
  ];
}
