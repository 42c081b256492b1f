/**
 * --prune-links and --prune (and undo's deletes): links are removed first — a quick connect
 * is unlinked before it is deleted, whether or not the service would require it — at most
 * 50 per call; then the deletes. A delete whose unlinking failed is not attempted. Every
 * call's answer goes into the run's record.
 */
import {
  DeleteQuickConnectCommand,
  DisassociateQueueQuickConnectsCommand,
} from "@aws-sdk/client-connect";
import { isInterrupted } from "../aws/limiter.ts";
import { onLeave } from "../aws/calls.ts";
import type { RunContext } from "../context.ts";
import { describeError, isFatalForRun, toFatal } from "../errors.ts";
import { esc } from "../log.ts";
import { LIMITS } from "../quick_connect.ts";
import type { Link, RunRecord } from "./outcome.ts";
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

export async function applyRemovals(
  ctx: RunContext,
  plan: Plan,
  record: RunRecord,
  signal: AbortSignal | undefined,
): Promise<void> {
  const blocked = new Set<string>();
  for (const [queueId, links] of unlinksByQueue(plan)) {
    for (let i = 0; i < links.length; i += LIMITS.linksPerCall) {
      checkpoint(signal);
      const batch = links.slice(i, i + LIMITS.linksPerCall);
      const ok = await unlink(ctx, queueId, batch, record);
      if (!ok) { for (const l of batch) blocked.add(l.targetId); }
    }
  }
  for (const d of plan.deletes) {
    checkpoint(signal);
    if (blocked.has(d.targetId)) {
      record.deleted(d.targetId, {
        result: "not-attempted",
        reason: "Not attempted: its links could not be removed",
      });
      continue;
    }
    await remove(ctx, d, record);
  }
}

async function unlink(
  ctx: RunContext,
  queueId: string,
  batch: Link[],
  record: RunRecord,
): Promise<boolean> {
  const queueName = batch[0]?.queueName ?? queueId;
  const flight = record.sendingBatch({ op: "unlink", queueId, queueName, links: batch });
  const cmd = new DisassociateQueueQuickConnectsCommand({
    InstanceId: ctx.instanceId,
    QueueId: queueId,
    QuickConnectIds: batch.map((l) => l.targetId),
  });
  onLeave(cmd, flight.left);
  try {
    await ctx.client.send(cmd);
    flight.answered("done");
    ctx.logger.info(`Removed ${batch.length} links from queue '${esc(queueName)}'`);
    return true;
  } catch (err) {
    if (isInterrupted(err)) {
      if (!flight.hasLeft()) flight.answered();
      throw err;
    }
    if (isFatalForRun(err)) {
      flight.answered("failed", describeError(err));
      throw toFatal(err, ctx, "connect:DisassociateQueueQuickConnects");
    }
    const msg = `queue '${queueName}': ${describeError(err)} (${
      batch.map((l) => l.name).join(", ")
    })`;
    flight.answered("failed", msg);
    ctx.logger.error(`Error removing links from ${esc(msg)}`);
    return false;
  }
}

async function remove(
  ctx: RunContext,
  d: Plan["deletes"][number],
  record: RunRecord,
): Promise<void> {
  const cmd = new DeleteQuickConnectCommand({
    InstanceId: ctx.instanceId,
    QuickConnectId: d.targetId,
  });
  onLeave(cmd, record.sendingDelete(d.targetId));
  try {
    await ctx.client.send(cmd);
    record.deleted(d.targetId, { result: "done" });
    ctx.logger.info(`Deleted quick connect: ${esc(d.name)} -> ${esc(d.targetId)}`);
  } catch (err) {
    if (isInterrupted(err)) throw err;
    record.deleted(d.targetId, { result: "failed", reason: describeError(err) });
    if (isFatalForRun(err)) throw toFatal(err, ctx, "connect:DeleteQuickConnect");
    ctx.logger.error(`Error deleting quick connect ${esc(d.name)}: ${esc(describeError(err))}`);
  }
}
