/**
 * Carries out a plan's creates and updates, one call at a time (the write quotas are
 * 2 req/s, so concurrency would only queue on the limiter), then its queue links. Every
 * result goes into one Applied record, which this phase alone writes; the report reads it,
 * even when a second Ctrl-C stops the process midway.
 *
 * A create that comes back DuplicateResourceException, or fails without proof that it was
 * not applied, is settled by looking the name up: the SDK retries a create whose response
 * was lost, and the retry meets the quick connect the first attempt made.
 */
import {
  CreateQuickConnectCommand,
  DeleteQuickConnectCommand,
  DisassociateQueueQuickConnectsCommand,
  type QuickConnect,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateQuickConnectConfigCommand,
  UpdateQuickConnectNameCommand,
} from "@aws-sdk/client-connect";
import { isInterrupted } from "../aws/limiter.ts";
import { checkpoint, CONSISTENCY_WAIT_MS, untilVisible } from "./wait.ts";
import { describeQuickConnect } from "../aws/reads.ts";
import type { RunContext } from "../context.ts";
import {
  attemptsOf,
  describeError,
  guidance,
  httpStatusOf,
  isAccessDenied,
  isDuplicate,
  isFatalForRun,
  isLimitExceeded,
  isThrottling,
  toFatal,
  wasSent,
} from "../errors.ts";
import { esc } from "../log.ts";
import { LIMITS } from "../quick_connect.ts";
import { changedParts, type Difference, diffQuickConnect, tagChanges, userTags } from "./diff.ts";
import { LinkLane } from "./links.ts";
import { type OnConflict, type Part, type Plan, type PlanEntry, snapshotOf } from "./plan.ts";
import { findByName, type SearchAvailability } from "./target.ts";

export interface ItemOutcome {
  action: "created" | "updated" | "unchanged" | "skipped" | "failed";
  targetId?: string;
  error?: string;
  changes?: Part[];
}

export interface LinkCounts {
  Added: number;
  Failed: number;
  /** One line per failed link call (queue, reason, quick connects). */
  Errors: string[];
  /** `queueId/index` of every link sent, whatever the answer. */
  sent: Set<string>;
}

/** One link, as undo needs it. */
export interface LinkRecord {
  queueId: string;
  queueName: string;
  targetId: string;
  name: string;
}

/** What --prune and --prune-links did. */
export interface Removals {
  unlinked: LinkRecord[];
  /** Target ID → "deleted", or the reason it was not. */
  deleted: Map<string, string>;
  failed: number;
  errors: string[];
}

/** What apply did, item by item (by index in the file) and link by link. */
export interface Applied {
  items: Map<number, ItemOutcome>;
  links: LinkCounts & { added: LinkRecord[] };
  removals: Removals;
}

export function newApplied(): Applied {
  return {
    items: new Map(),
    links: { Added: 0, Failed: 0, Errors: [], sent: new Set(), added: [] },
    removals: { unlinked: [], deleted: new Map(), failed: 0, errors: [] },
  };
}

export interface ApplyOptions {
  onConflict: OnConflict;
  /** Whether SearchQuickConnects may be used to look names up. */
  search: SearchAvailability;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /**
   * How long to keep looking for a quick connect the service says exists but does not
   * list yet (eventual consistency: "usually less than a few seconds").
   */
  consistencyWaitMs?: number;
  /** When the run started planning (ms since the epoch): nothing older can be its own. */
  since?: number;
}

type Write = Extract<PlanEntry, { kind: "create" | "update" }>;
type Create = Extract<Write, { kind: "create" }>;

/**
 * Four lanes at once, each on its own quota buckets: creates (in an order that completes
 * queues early), updates, removals (--prune, --prune-links) and the links of every queue
 * whose quick connects all exist.
 * The first failure that stops the run (Ctrl-C, credentials) stops the other lanes too.
 */
export async function applyPlan(
  ctx: RunContext,
  plan: Plan,
  opts: ApplyOptions,
  applied: Applied,
): Promise<void> {
  const creates = orderCreates(
    plan.entries.filter((e): e is Create => e.kind === "create"),
    plan,
  );
  const updates = plan.entries.filter((e): e is Extract<Write, { kind: "update" }> =>
    e.kind === "update"
  );
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const lane = { ...opts, signal };
  const links = new LinkLane(plan, new Set(creates.map((c) => c.item.index)));
  const total = creates.length + updates.length;
  let done = 0;
  const progress = () => opts.onProgress?.(done++, total);
  progress();

  const createLane = async () => {
    // After the first LimitExceededException every further create would hit the same
    // instance quota: those items fail without a call, updates still go ahead.
    let quotaError: string | undefined;
    try {
      for (const w of creates) {
        checkpoint(signal);
        if (quotaError) {
          const reason = `Not attempted: ${quotaError}`;
          ctx.logger.error(`Error creating quick connect ${esc(w.item.name)}: ${esc(reason)}`);
          applied.items.set(w.item.index, { action: "failed", error: reason });
        } else {
          quotaError = await create(ctx, w, lane, applied);
        }
        links.settled(w.item.index);
        progress();
      }
    } catch (err) {
      stop.abort();
      throw err;
    } finally {
      links.close();
    }
  };
  const updateLane = async () => {
    for (const w of updates) {
      checkpoint(signal);
      await update(ctx, w, lane, (o) => applied.items.set(w.item.index, o));
      progress();
    }
  };
  const results = await Promise.allSettled(
    [
      createLane,
      updateLane,
      () => applyRemovals(ctx, plan, applied.removals, signal),
      () => links.run(ctx, applied, signal, opts.consistencyWaitMs ?? CONSISTENCY_WAIT_MS),
    ].map(
      async (run) => {
        try {
          await run();
        } catch (err) {
          stop.abort();
          throw err;
        }
      },
    ),
  );
  // The cause, not the interruption it caused in the other lanes.
  const failures = results.flatMap((r) => r.status === "rejected" ? [r.reason] : []);
  const first = failures.find((e) => !isInterrupted(e)) ?? failures[0];
  if (first !== undefined) throw first;
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

const INTERRUPTED_CREATE =
  "Interrupted while creating; it may or may not exist in the target now: run the same import again to settle it";

/** Returns the quota message if the instance's quick connect quota was reached. */
async function create(
  ctx: RunContext,
  w: Create,
  opts: ApplyOptions,
  applied: Applied,
): Promise<string | undefined> {
  const { item } = w;
  const name = esc(item.name);
  const record = (o: ItemOutcome) => applied.items.set(item.index, o);
  const sentAt = Date.now();
  try {
    const id = await sendCreate(ctx, w);
    ctx.logger.info(`Created quick connect: ${name} -> ${esc(id)}`);
    record({ action: "created", targetId: id });
    return undefined;
  } catch (err) {
    if (isInterrupted(err)) {
      // Stopped by the closed rate limiter before any attempt was sent: simply not
      // attempted. After a sent attempt (abandoned in flight, or its retry refused), it
      // may exist.
      if (wasSent(err)) record({ action: "failed", error: INTERRUPTED_CREATE });
      throw err;
    }
    if (isDuplicate(err) || (!isFatalForRun(err) && mayHaveBeenApplied(err))) {
      try {
        await settle(ctx, w, err, sentAt, opts, record);
      } catch (e) {
        if (isInterrupted(e)) record({ action: "failed", error: INTERRUPTED_CREATE });
        throw e;
      }
      return undefined;
    }
    const reason = describeError(err);
    if (isLimitExceeded(err)) {
      const quota =
        `the target instance's quota of quick connects is reached (${reason}); ask for a higher "Quick connects per instance" quota (L-68BBE2E8) in Service Quotas, then run again`;
      ctx.logger.error(`Error creating quick connect ${name}: ${esc(quota)}`);
      record({ action: "failed", error: quota });
      return quota;
    }
    const hint = isAccessDenied(err)
      ? `; ${guidance(err, { ...ctx, action: "connect:CreateQuickConnect" }).hint}`
      : "";
    ctx.logger.error(`Error creating quick connect ${name}: ${esc(reason + hint)}`);
    record({ action: "failed", error: reason + hint });
    if (isFatalForRun(err)) throw toFatal(err, ctx, "connect:CreateQuickConnect");
    return undefined;
  }
}

/**
 * A create that failed in a way that does not prove the service did not apply it: no
 * HTTP response at all (connection reset, timeout: the response of an attempt that was
 * applied may have been lost), a 5xx, or throttling after retries (an earlier attempt of
 * the same call may have gone through). Client errors (4xx) are answers: not applied.
 */
function mayHaveBeenApplied(err: unknown): boolean {
  if (isAccessDenied(err) || isLimitExceeded(err) || isDuplicate(err)) return false;
  if (isThrottling(err)) return true;
  const status = httpStatusOf(err);
  return status === undefined || status >= 500;
}

/** One create being settled: what each of its steps needs. */
interface Settling {
  ctx: RunContext;
  w: Create;
  opts: ApplyOptions;
  record: (o: ItemOutcome) => void;
  /** The item's name, escaped for the log. */
  name: string;
}

/**
 * The create failed with `err`, but it may have been applied, or the name is taken:
 * - a lost response, a 5xx or throttling after retries: look the name up; if nothing is
 *   there, send the create once more. Names are unique at once even where lists lag, so
 *   that second create either creates it (the first never landed) or is answered
 *   DuplicateResourceException (it did);
 * - DuplicateResourceException: the quick connect exists. It may not be listed yet
 *   (eventual consistency), so look for it until it shows, then compare. If it is the one
 *   we meant to create and one of our own attempts may have made it, it is created;
 *   otherwise it was there before and the conflict policy decides, as for any existing one.
 * A create is never sent blindly a third time, and nothing is ever created twice.
 */
async function settle(
  ctx: RunContext,
  w: Create,
  err: unknown,
  sentAt: number,
  opts: ApplyOptions,
  record: (o: ItemOutcome) => void,
): Promise<void> {
  const s: Settling = { ctx, w, opts, record, name: esc(w.item.name) };
  ctx.logger.debug(
    `${s.name}: the create was answered ${esc(describeError(err))}; settling it by name`,
  );
  // A lost response or a 5xx is no answer about the name: what is found under it is ours.
  let ours = !isDuplicate(err);
  let cause = err;
  let found: QuickConnect | undefined;
  if (!isDuplicate(err)) {
    const first = await lookingUp(s, err, () => lookup(s));
    if (first === "failed") return;
    found = first.found;
    if (!found) {
      const again = await sendOnceMore(s, err);
      if (again === "settled") return;
      // The name is taken: our first attempt landed.
      ours = true;
      cause = again.taken;
    }
  }
  if (!found) {
    const listed = await lookingUp(s, err, () => untilListed(s));
    if (listed === "failed") return;
    found = listed.found;
  }
  if (!found?.QuickConnectId) return notListed(s, cause);
  ours ||= attemptsOf(err) > 1 || madeSince(found, opts.since ?? sentAt);
  await decide(s, found, found.QuickConnectId, ours, cause);
}

function failCreate(s: Settling, msg: string, targetId?: string): void {
  s.ctx.logger.error(`Error creating quick connect ${s.name}: ${esc(msg)}`);
  s.record({ action: "failed", targetId, error: msg });
}

/** The quick connect listed under the item's name, if any. */
async function lookup(s: Settling): Promise<QuickConnect | undefined> {
  const { ctx, opts, w: { item } } = s;
  checkpoint(opts.signal);
  const found = await findByName(ctx, item.name, opts.search);
  // A Search result without Tags may mean "not returned": read them where they matter.
  if (found?.QuickConnectId && found.Tags === undefined) {
    return Object.keys(item.tags).length === 0
      ? { ...found, Tags: {} }
      : await describeQuickConnect(ctx.client, ctx.instanceId, found.QuickConnectId);
  }
  return found;
}

/**
 * What `look` finds; "failed" once a failed lookup has failed the create (with the create's
 * own error `err`: the lookup was only to settle it). An interruption, or a failure that
 * stops the run, is thrown on.
 */
async function lookingUp(
  s: Settling,
  err: unknown,
  look: () => Promise<QuickConnect | undefined>,
): Promise<{ found: QuickConnect | undefined } | "failed"> {
  try {
    return { found: await look() };
  } catch (lookupErr) {
    if (isInterrupted(lookupErr)) throw lookupErr;
    failCreate(
      s,
      `${describeError(err)} (and looking its name up to see whether it was created failed: ${
        describeError(lookupErr)
      }); run the same import again to settle it, it will not create a duplicate`,
    );
    if (isFatalForRun(lookupErr)) throw toFatal(lookupErr, s.ctx, "connect:SearchQuickConnects");
    return "failed";
  }
}

/**
 * Not listed: the create never landed, or landed and is not listed yet. Names are unique
 * at once, so the create sent once more decides: it creates the quick connect, or fails
 * (both "settled", recorded), or is answered DuplicateResourceException (`taken`): the
 * first attempt landed.
 */
async function sendOnceMore(s: Settling, err: unknown): Promise<"settled" | { taken: unknown }> {
  const { ctx, name } = s;
  ctx.logger.debug(
    `${name}: the create was answered ${esc(describeError(err))}; sending it once more`,
  );
  try {
    const out = await sendCreate(ctx, s.w);
    ctx.logger.info(`Created quick connect: ${name} -> ${esc(out)}`);
    s.record({ action: "created", targetId: out });
    return "settled";
  } catch (again) {
    if (isInterrupted(again)) throw again;
    if (isDuplicate(again)) return { taken: again };
    failCreate(
      s,
      `${describeError(err)}, and again ${
        describeError(again)
      } when sent once more; it was not created: run the same import again`,
    );
    if (isFatalForRun(again)) throw toFatal(again, ctx, "connect:CreateQuickConnect");
    return "settled";
  }
}

/** The name is taken: looks it up until it is listed (eventual consistency), or the wait is over. */
function untilListed(s: Settling): Promise<QuickConnect | undefined> {
  return untilVisible(() => lookup(s), waitMs(s.opts), s.opts.signal);
}

const waitMs = (opts: ApplyOptions) => opts.consistencyWaitMs ?? CONSISTENCY_WAIT_MS;

/** The name is taken, but nothing of that name was listed in time: failed, to be run again. */
function notListed(s: Settling, cause: unknown): void {
  failCreate(
    s,
    `${
      describeError(cause)
    } (the name is taken, but no quick connect of that exact name was listed within ${
      Math.round(waitMs(s.opts) / 1000)
    } s; the service may still be catching up: run the same import again later)`,
  );
}

/** How far the service's clock may be ahead of or behind ours when telling whose it is. */
const CLOCK_SLACK_MS = 250;

/**
 * A DuplicateResourceException alone does not say whose the quick connect is: a resent
 * attempt of ours (the SDK's, or the HTTP client's own on a reused connection, which the
 * SDK never sees) meets it too, and so does one a run just before made that is not listed
 * yet. One last modified before this run started planning is not ours; one whose time is
 * not known is taken as not ours either (the report then says skipped, never created
 * twice, and undo leaves it alone).
 */
function madeSince(found: QuickConnect, since: number): boolean {
  const modified = found.LastModifiedTime?.getTime();
  return modified !== undefined && modified >= since - CLOCK_SLACK_MS;
}

/**
 * The quick connect under the name is listed: created, when it is the one we meant to
 * create and `ours` (one of our attempts may have made it); otherwise it was there before
 * this run (not yet listed when the target was read), and the conflict policy decides, as
 * for any existing one.
 */
async function decide(
  s: Settling,
  found: QuickConnect,
  id: string,
  ours: boolean,
  cause: unknown,
): Promise<void> {
  const { ctx, w, opts, record, name } = s;
  const { item } = w;
  const diffs = diffQuickConnect(
    { description: item.description, config: w.config, tags: item.tags },
    found,
  );
  if (diffs.length === 0 && ours) {
    ctx.logger.info(`Created quick connect: ${name} -> ${esc(id)}`);
    ctx.logger.debug(
      `${name}: the create was answered ${
        esc(describeError(cause))
      } and the quick connect found under its name is identical: an earlier attempt whose response was lost created it`,
    );
    record({ action: "created", targetId: id });
    return;
  }
  if (opts.onConflict === "skip") {
    ctx.logger.warning(`Quick connect already exists: ${name}`);
    record({ action: "skipped", targetId: id });
    return;
  }
  if (diffs.length === 0) {
    ctx.logger.info(`Quick connect unchanged: ${name} -> ${esc(id)}`);
    record({ action: "unchanged", targetId: id });
    return;
  }
  if (opts.onConflict === "update") {
    await update(ctx, updateOf(w, found, id, diffs), opts, record);
    return;
  }
  failCreate(
    s,
    "A quick connect with this name already exists in the target (--on-conflict fail); use --on-conflict skip or update",
    id,
  );
}

/** The update that makes the existing quick connect `found` what the create meant. */
function updateOf(
  w: Create,
  found: QuickConnect,
  id: string,
  diffs: Difference[],
): Extract<Write, { kind: "update" }> {
  return {
    kind: "update",
    item: w.item,
    config: w.config,
    target: {
      id,
      arn: found.QuickConnectARN,
      tags: userTags(found.Tags),
      before: snapshotOf(found),
    },
    parts: changedParts(diffs),
    changes: diffs,
  };
}

async function sendCreate(ctx: RunContext, w: Create): Promise<string> {
  const { item } = w;
  const out = await ctx.client.send(
    new CreateQuickConnectCommand({
      InstanceId: ctx.instanceId,
      Name: item.name,
      // Description and Tags have a minimum length of 1: an empty value is left out.
      Description: item.description === "" ? undefined : item.description,
      QuickConnectConfig: w.config,
      Tags: Object.keys(item.tags).length > 0 ? item.tags : undefined,
    }),
  );
  return out.QuickConnectId ?? "";
}

async function update(
  ctx: RunContext,
  w: Extract<Write, { kind: "update" }>,
  opts: ApplyOptions,
  record: (o: ItemOutcome) => void,
): Promise<void> {
  const { item, target: ex, parts } = w;
  const name = esc(item.name);
  const done: string[] = [];
  const step = async (part: string, call: () => Promise<unknown>) => {
    checkpoint(opts.signal);
    await call();
    done.push(part);
  };
  try {
    if (parts.includes("description")) {
      await step("description", () =>
        ctx.client.send(
          new UpdateQuickConnectNameCommand({
            InstanceId: ctx.instanceId,
            QuickConnectId: ex.id,
            Description: item.description,
          }),
        ));
    }
    if (parts.includes("config")) {
      await step("config", () =>
        ctx.client.send(
          new UpdateQuickConnectConfigCommand({
            InstanceId: ctx.instanceId,
            QuickConnectId: ex.id,
            QuickConnectConfig: w.config,
          }),
        ));
    }
    if (parts.includes("tags")) {
      if (!ex.arn) throw new Error("the target did not return the quick connect's ARN");
      const arn = ex.arn;
      const { set, remove } = tagChanges(item.tags, ex.tags);
      // Untag first: old and new tags together may exceed the 50 tags a resource can have.
      if (remove.length > 0) {
        await step(
          "tags",
          () => ctx.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: remove })),
        );
      }
      if (Object.keys(set).length > 0) {
        await step(
          "tags",
          () => ctx.client.send(new TagResourceCommand({ resourceArn: arn, tags: set })),
        );
      }
    }
    ctx.logger.info(`Updated quick connect: ${name} -> ${esc(ex.id)} (${parts.join(", ")})`);
    record({ action: "updated", targetId: ex.id, changes: parts });
  } catch (err) {
    const partial = done.length > 0 ? ` (already updated: ${[...new Set(done)].join(", ")})` : "";
    const reason = isInterrupted(err)
      ? `Interrupted while updating${partial}; run the same import again to finish it`
      : `${describeError(err)}${partial}`;
    if (!isInterrupted(err)) {
      ctx.logger.error(`Error updating quick connect ${name}: ${esc(reason)}`);
    }
    record({ action: "failed", targetId: ex.id, error: reason, changes: parts });
    if (isInterrupted(err)) throw err;
    if (isFatalForRun(err)) throw toFatal(err, ctx, "connect:UpdateQuickConnectConfig");
  }
}

/**
 * --prune-links and --prune: links are removed first (a quick connect is unlinked before
 * it is deleted, whether or not the service would require it), at most 50 per call; then
 * the deletes. A delete whose unlinking failed is not attempted.
 */
async function applyRemovals(
  ctx: RunContext,
  plan: Plan,
  out: Removals,
  signal: AbortSignal | undefined,
): Promise<void> {
  const groups = new Map<string, LinkRecord[]>();
  const add = (r: LinkRecord) => groups.set(r.queueId, [...(groups.get(r.queueId) ?? []), r]);
  for (const u of plan.unlinks) {
    for (const r of u.remove) add({ queueId: u.queueId, queueName: u.queueName, ...r });
  }
  for (const d of plan.deletes) {
    for (const q of d.queues) add({ ...q, targetId: d.targetId, name: d.name });
  }
  const blocked = new Set<string>();
  for (const [queueId, records] of groups) {
    for (let i = 0; i < records.length; i += LIMITS.linksPerCall) {
      checkpoint(signal);
      const batch = records.slice(i, i + LIMITS.linksPerCall);
      const queueName = batch[0]?.queueName ?? queueId;
      try {
        await ctx.client.send(
          new DisassociateQueueQuickConnectsCommand({
            InstanceId: ctx.instanceId,
            QueueId: queueId,
            QuickConnectIds: batch.map((r) => r.targetId),
          }),
        );
        out.unlinked.push(...batch);
        ctx.logger.info(`Removed ${batch.length} links from queue '${esc(queueName)}'`);
      } catch (err) {
        if (isInterrupted(err)) throw err;
        if (isFatalForRun(err)) throw toFatal(err, ctx, "connect:DisassociateQueueQuickConnects");
        out.failed += batch.length;
        for (const r of batch) blocked.add(r.targetId);
        const msg = `queue '${queueName}': ${describeError(err)} (${
          batch.map((r) => r.name).join(", ")
        })`;
        out.errors.push(msg);
        ctx.logger.error(`Error removing links from ${esc(msg)}`);
      }
    }
  }
  for (const d of plan.deletes) {
    checkpoint(signal);
    if (blocked.has(d.targetId)) {
      out.deleted.set(d.targetId, "Not attempted: its links could not be removed");
      continue;
    }
    try {
      await ctx.client.send(
        new DeleteQuickConnectCommand({ InstanceId: ctx.instanceId, QuickConnectId: d.targetId }),
      );
      out.deleted.set(d.targetId, "deleted");
      ctx.logger.info(`Deleted quick connect: ${esc(d.name)} -> ${esc(d.targetId)}`);
    } catch (err) {
      if (isInterrupted(err)) throw err;
      if (isFatalForRun(err)) throw toFatal(err, ctx, "connect:DeleteQuickConnect");
      out.failed++;
      out.deleted.set(d.targetId, describeError(err));
      ctx.logger.error(`Error deleting quick connect ${esc(d.name)}: ${esc(describeError(err))}`);
    }
  }
}
