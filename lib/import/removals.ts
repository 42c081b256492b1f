/**
 * --prune-links and --prune (and undo's deletes): links are removed first — a quick connect
 * is unlinked before it is deleted, whether or not the service would require it — at most
 * 50 per call; then the deletes. A delete whose unlinking failed is not attempted. Every
 * call's answer goes into the run's ctx.record.
 */
import {
  DeleteQuickConnectCommand,
  DisassociateQueueQuickConnectsCommand,
} from "@aws-sdk/client-connect";
import { isInterrupted } from "../aws/limiter.ts";
import { answerOf, describeError, isFatalForRun, toFatal } from "../errors.ts";
import { esc, plural } from "../log.ts";
import { LIMITS } from "../quick_connect.ts";
import type { ApplyContext } from "./apply_context.ts";
import type { Link } from "./journal.ts";
import type { Plan } from "./plan.ts";
import { checkpoint } from "./wait.ts";

/** Every link the plan removes, by queue: the unlinks, then those of the quick connects it deletes. */
function unlinksByQueue(plan: Plan): Map<string, Link[]> {
  const groups = new Map<string, Link[]>();
  const add = (q: { queueId: string; queueName: string }, targetId: string, name: string) => {
    const link = { queueId: q.queueId, queueName: q.queueName, targetId, name, index: -1 };
    groups.set(q.queueId, [...(groups.get(q.queueId) ?? []), link]);
  };
  for (const u of plan.unlinks) for (const r of u.remove) add(u, r.targetId, r.name);
  for (const d of plan.deletes) for (const q of d.queues) add(q, d.targetId, d.name);
  return groups;
}

export async function applyRemovals(ctx: ApplyContext, plan: Plan): Promise<void> {
  const blocked = new Set<string>();
  for (const [queueId, links] of unlinksByQueue(plan)) {
    for (let i = 0; i < links.length; i += LIMITS.linksPerCall) {
      checkpoint(ctx.signal);
      const batch = links.slice(i, i + LIMITS.linksPerCall);
      const ok = await unlink(ctx, queueId, batch);
      if (!ok) { for (const l of batch) blocked.add(l.targetId); }
    }
  }
  for (const d of plan.deletes) {
    checkpoint(ctx.signal);
    // Its links could not be removed: no delete is attempted (the report says so).
    if (blocked.has(d.targetId)) continue;
    await remove(ctx, d);
  }
}

async function unlink(ctx: ApplyContext, queueId: string, batch: Link[]): Promise<boolean> {
  const queueName = batch[0]?.queueName ?? queueId;
  const seq = ctx.record.intend({ op: "unlink", name: queueName, links: batch });
  const cmd = new DisassociateQueueQuickConnectsCommand({
    InstanceId: ctx.instanceId,
    QueueId: queueId,
    QuickConnectIds: batch.map((l) => l.targetId),
  });
  try {
    await ctx.client.send(cmd);
    ctx.record.answer(seq, { result: "done" });
    ctx.logger.info(`Removed ${plural(batch.length, "link")} from queue '${esc(queueName)}'`);
    return true;
  } catch (err) {
    const msg = `queue '${queueName}': ${describeError(err)} (${
      batch.map((l) => l.name).join(", ")
    })`;
    ctx.record.answer(seq, { result: answerOf(err), reason: msg });
    if (isInterrupted(err)) throw err;
    if (isFatalForRun(err)) throw toFatal(err, ctx, "connect:DisassociateQueueQuickConnects");
    ctx.logger.error(`Error removing links from ${esc(msg)}`);
    return false;
  }
}

async function remove(ctx: ApplyContext, d: Plan["deletes"][number]): Promise<void> {
  const seq = ctx.record.intend({
    op: "delete",
    name: d.name,
    targetId: d.targetId,
    before: d.before,
    queues: d.queues,
  });
  const cmd = new DeleteQuickConnectCommand({
    InstanceId: ctx.instanceId,
    QuickConnectId: d.targetId,
  });
  try {
    await ctx.client.send(cmd);
    ctx.record.answer(seq, { result: "done" });
    ctx.logger.info(`Deleted quick connect: ${esc(d.name)} -> ${esc(d.targetId)}`);
  } catch (err) {
    ctx.record.answer(seq, { result: answerOf(err), reason: describeError(err) });
    if (isInterrupted(err)) throw err;
    if (isFatalForRun(err)) throw toFatal(err, ctx, "connect:DeleteQuickConnect");
    ctx.logger.error(`Error deleting quick connect ${esc(d.name)}: ${esc(describeError(err))}`);
  }
}
