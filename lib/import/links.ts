/**
 * Adds the plan's queue links: for each target queue, the quick connects the plan links
 * to it, in batches of at most 50 IDs (the API's limit per AssociateQueueQuickConnects
 * call). A quick connect the run was to create is linked only once it exists; links are
 * additive, so a re-run completes what an interrupted or failed one left out.
 */
import { AssociateQueueQuickConnectsCommand } from "@aws-sdk/client-connect";
import { isInterrupted } from "../aws/limiter.ts";
import type { RunContext } from "../context.ts";
import { describeError, isNotFound } from "../errors.ts";
import { esc } from "../log.ts";
import { LIMITS } from "../quick_connect.ts";
import type { Applied } from "./apply.ts";
import { checkpoint, untilVisible } from "./wait.ts";
import type { Plan } from "./plan.ts";

/** The target ID of a link's quick connect after apply, if it exists now. */
export function linkedId(
  link: { index: number; targetId?: string },
  applied: Applied,
): string | undefined {
  const o = applied.items.get(link.index);
  if (o && (o.action === "created" || o.action === "skipped")) return o.targetId;
  if (o?.action === "failed") return undefined;
  return link.targetId;
}

export async function applyLinks(
  ctx: RunContext,
  plan: Plan,
  applied: Applied,
  signal: AbortSignal | undefined,
  waitMs: number,
): Promise<void> {
  const counts = applied.links;
  const created = new Set(
    [...applied.items.values()].flatMap((o) =>
      o.action === "created" && o.targetId ? [o.targetId] : []
    ),
  );
  for (const q of plan.links) {
    const names = new Map<string, string>();
    const indexOf = new Map<string, number>();
    for (const l of q.add) {
      const id = linkedId(l, applied);
      if (!id) continue;
      names.set(id, l.name);
      indexOf.set(id, l.index);
    }
    const ids = [...names.keys()];
    for (let i = 0; i < ids.length; i += LIMITS.linksPerCall) {
      checkpoint(signal);
      const batch = ids.slice(i, i + LIMITS.linksPerCall);
      for (const id of batch) counts.sent.add(`${q.queueId}/${indexOf.get(id)}`);
      const send = () =>
        ctx.client.send(
          new AssociateQueueQuickConnectsCommand({
            InstanceId: ctx.instanceId,
            QueueId: q.queueId,
            QuickConnectIds: batch,
          }),
        );
      try {
        await sendLinks(send, batch.some((id) => created.has(id)), waitMs, signal);
        counts.Added += batch.length;
        ctx.logger.info(
          `Associated ${batch.length} quick connects with queue '${esc(q.queueName)}'`,
        );
      } catch (err) {
        if (isInterrupted(err)) throw err;
        counts.Failed += batch.length;
        const msg = `queue '${q.queueName}': ${describeError(err)} (${
          batch.map((id) => names.get(id) ?? id).join(", ")
        })`;
        counts.Errors.push(msg);
        ctx.logger.error(`Error associating quick connects with ${esc(msg)}`);
      }
    }
  }
}

/**
 * A quick connect this run created may not be known to every part of the service yet: an
 * association naming it can come back ResourceNotFoundException for a few seconds. Only
 * then, and only for a while, the call is sent again.
 */
async function sendLinks(
  send: () => Promise<unknown>,
  includesNew: boolean,
  waitMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!includesNew) {
    await send();
    return;
  }
  let last: unknown;
  const done = await untilVisible(
    async () => {
      try {
        await send();
        return true;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        last = err;
        return undefined;
      }
    },
    waitMs,
    signal,
  );
  if (!done) throw last;
}
