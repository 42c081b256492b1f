/**
 * Adds the plan's queue links while the creates go on. Each target queue's links are sent
 * as soon as every quick connect the plan links to it exists (created, or already there),
 * in batches of at most 50 IDs (the API's limit per AssociateQueueQuickConnects call):
 * Connect's quotas are per operation, so links cost no create time. A quick connect that
 * failed is left out; links are additive, so a re-run completes what a run left out.
 */
import { AssociateQueueQuickConnectsCommand } from "@aws-sdk/client-connect";
import { isInterrupted } from "../aws/limiter.ts";
import { answerOf, describeError, isFatalForRun, isNotFound, toFatal } from "../errors.ts";
import { esc, plural } from "../log.ts";
import { LIMITS } from "../quick_connect.ts";
import type { ApplyContext } from "./apply_context.ts";
import type { Journal, Link } from "./journal.ts";
import type { Plan } from "./plan.ts";
import { checkpoint, untilVisible } from "./wait.ts";

/**
 * The target ID a planned link's quick connect has after apply, if it exists now: its own
 * (it existed) or the one the run created (or that took its name); none when its create or
 * update failed.
 */
export function linkedId(
  link: Plan["links"][number]["add"][number],
  record: Journal,
): string | undefined {
  const o = record.items.get(link.index);
  if (!o) return link.targetId;
  if (o.result === "done" || (o.result === "uncertain" && o.taken)) return o.targetId;
  return undefined;
}

/**
 * Whether a link the run sends is provably its own: its quick connect is one the run created
 * (no link to it can predate it), or the queue's list was read with lists trusted as current
 * (--consistency-wait 0). Otherwise the list may have lagged behind another writer's link.
 */
function ownLink(
  link: Plan["links"][number]["add"][number],
  record: Journal,
  waitMs: number,
): boolean {
  const o = record.items.get(link.index);
  if (o?.result === "done" && o.action === "created") return true;
  return waitMs === 0 && link.targetId !== undefined && (o === undefined || o.result === "done");
}

/**
 * The links lane: queues wait until the quick connects they need are settled, then are
 * sent one queue at a time (the associate quota is 2 per second: one lane keeps it busy).
 */
export class LinkLane {
  /** Queue → indices of the creates it still waits for. */
  readonly #waiting = new Map<Plan["links"][number], Set<number>>();
  /** Create index → queues waiting for it. */
  readonly #waiters = new Map<number, Plan["links"][number][]>();
  readonly #ready: Plan["links"][number][] = [];
  #closed = false;
  #wake: () => void = () => {};

  constructor(plan: Plan, creates: ReadonlySet<number>) {
    for (const q of plan.links) {
      const need = new Set(q.add.filter((l) => creates.has(l.index)).map((l) => l.index));
      if (need.size === 0) {
        this.#ready.push(q);
        continue;
      }
      this.#waiting.set(q, need);
      for (const i of need) {
        const list = this.#waiters.get(i) ?? [];
        list.push(q);
        this.#waiters.set(i, list);
      }
    }
  }

  /** The create of item `index` is over (whatever its outcome). */
  settled(index: number): void {
    for (const q of this.#waiters.get(index) ?? []) {
      const need = this.#waiting.get(q);
      need?.delete(index);
      if (need?.size === 0) {
        this.#waiting.delete(q);
        this.#ready.push(q);
        this.#wake();
      }
    }
    this.#waiters.delete(index);
  }

  /** No more creates: whatever still waits is sent now. */
  close(): void {
    this.#closed = true;
    this.#ready.push(...this.#waiting.keys());
    this.#waiting.clear();
    this.#wake();
  }

  /** Sends ready queues until closed and drained; stops at the first Ctrl-C. */
  async run(ctx: ApplyContext): Promise<void> {
    const signal = ctx.signal;
    while (true) {
      const q = this.#ready.shift();
      if (q) {
        await sendQueue(ctx, q);
        continue;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        signal?.addEventListener("abort", () => resolve(), { once: true });
      });
      checkpoint(signal);
    }
  }
}

async function sendQueue(ctx: ApplyContext, q: Plan["links"][number]): Promise<void> {
  const { record, waitMs } = ctx;
  const byId = new Map<string, Link>();
  for (const l of q.add) {
    const id = linkedId(l, record);
    if (id && !byId.has(id)) {
      byId.set(id, {
        queueId: q.queueId,
        queueName: q.queueName,
        targetId: id,
        name: l.name,
        index: l.index,
        own: ownLink(l, record, waitMs),
      });
    }
  }
  const links = [...byId.values()];
  for (let i = 0; i < links.length; i += LIMITS.linksPerCall) {
    checkpoint(ctx.signal);
    await sendBatch(ctx, q, links.slice(i, i + LIMITS.linksPerCall));
  }
}

/**
 * One batch: its intent in the journal, then the call. An endpoint that stops answering
 * ends the run here (uncertain, exit 3) rather than costing every further queue the timeouts.
 */
async function sendBatch(
  ctx: ApplyContext,
  q: Plan["links"][number],
  batch: Link[],
): Promise<void> {
  const { record, waitMs, signal } = ctx;
  const seq = record.intend({ op: "link", name: q.queueName, links: batch });
  const send = () =>
    ctx.client.send(
      new AssociateQueueQuickConnectsCommand({
        InstanceId: ctx.instanceId,
        QueueId: q.queueId,
        QuickConnectIds: batch.map((l) => l.targetId),
      }),
    );
  const created = batch.some((l) => l.own && l.index >= 0);
  try {
    await sendLinks(send, created, waitMs, signal);
    record.answer(seq, { result: "done" });
    ctx.logger.info(
      `Associated ${plural(batch.length, "quick connect")} with queue '${esc(q.queueName)}'`,
    );
  } catch (err) {
    const msg = `queue '${q.queueName}': ${describeError(err)} (${
      batch.map((l) => l.name).join(", ")
    })`;
    record.answer(seq, { result: answerOf(err), reason: msg });
    if (isInterrupted(err)) throw err;
    ctx.logger.error(`Error associating quick connects with ${esc(msg)}`);
    if (isFatalForRun(err)) throw toFatal(err, ctx, "connect:AssociateQueueQuickConnects");
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
