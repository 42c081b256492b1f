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
  TagResourceCommand,
  UntagResourceCommand,
  UpdateQuickConnectConfigCommand,
  UpdateQuickConnectNameCommand,
} from "@aws-sdk/client-connect";
import { InterruptedError, isInterrupted } from "../aws/limiter.ts";
import { describeQuickConnect } from "../aws/reads.ts";
import type { RunContext } from "../context.ts";
import {
  describeError,
  guidance,
  isAccessDenied,
  isDuplicate,
  isFatalForRun,
  isLimitExceeded,
  isThrottling,
  toFatal,
} from "../errors.ts";
import { esc } from "../log.ts";
import { diffQuickConnect, tagChanges } from "./diff.ts";
import { applyLinks } from "./links.ts";
import type { OnConflict, Part, Plan, PlanEntry } from "./plan.ts";
import { findByName, type SearchAvailability } from "./target.ts";

export interface ItemOutcome {
  action: "created" | "updated" | "skipped" | "failed";
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

/** What apply did, item by item (by index in the file) and link by link. */
export interface Applied {
  items: Map<number, ItemOutcome>;
  links: LinkCounts;
}

export function newApplied(): Applied {
  return { items: new Map(), links: { Added: 0, Failed: 0, Errors: [], sent: new Set() } };
}

export interface ApplyOptions {
  onConflict: OnConflict;
  /** Whether SearchQuickConnects may be used to look names up. */
  search: SearchAvailability;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Throws InterruptedError once Ctrl-C was pressed: called before every new call. */
export function checkpoint(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError("interrupted");
}

type Write = Extract<PlanEntry, { kind: "create" | "update" }>;

export async function applyPlan(
  ctx: RunContext,
  plan: Plan,
  opts: ApplyOptions,
  applied: Applied,
): Promise<void> {
  const writes = plan.entries.filter((e): e is Write => e.kind === "create" || e.kind === "update");
  // After the first LimitExceededException every further create would hit the same
  // instance quota: those items fail without a call, updates still go ahead.
  let quotaError: string | undefined;
  let done = 0;
  for (const w of writes) {
    opts.onProgress?.(done++, writes.length);
    checkpoint(opts.signal);
    if (w.kind === "create") {
      if (quotaError) {
        const reason = `Not attempted: ${quotaError}`;
        ctx.logger.error(`Error creating quick connect ${esc(w.item.name)}: ${esc(reason)}`);
        applied.items.set(w.item.index, { action: "failed", error: reason });
        continue;
      }
      quotaError = await create(ctx, w, opts, applied);
    } else {
      await update(ctx, w, opts, applied);
    }
  }
  opts.onProgress?.(done, writes.length);
  await applyLinks(ctx, plan, applied, opts.signal);
}

const INTERRUPTED_CREATE =
  "Interrupted while creating; it may or may not exist in the target now: run the same import again to settle it";

/** Returns the quota message if the instance's quick connect quota was reached. */
async function create(
  ctx: RunContext,
  w: Extract<Write, { kind: "create" }>,
  opts: ApplyOptions,
  applied: Applied,
): Promise<string | undefined> {
  const { item } = w;
  const name = esc(item.name);
  const record = (o: ItemOutcome) => applied.items.set(item.index, o);
  try {
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
    const id = out.QuickConnectId ?? "";
    ctx.logger.info(`Created quick connect: ${name} -> ${esc(id)}`);
    record({ action: "created", targetId: id });
    return undefined;
  } catch (err) {
    if (isInterrupted(err)) {
      record({ action: "failed", error: INTERRUPTED_CREATE });
      throw err;
    }
    if (isDuplicate(err) || (!isFatalForRun(err) && mayHaveBeenApplied(err))) {
      try {
        await settle(ctx, w, err, isDuplicate(err) ? "duplicate" : "lost", opts, record);
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
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata
    ?.httpStatusCode;
  return status === undefined || status >= 500;
}

/**
 * The create failed with `err`, but it may have been applied: a DuplicateResourceException
 * (a retry met the quick connect its first attempt made) or a lost response / 5xx /
 * timeout. Look the name up (never create again): if the quick connect under it is the
 * one we meant to create (same description, config and tags), count it as created.
 * Otherwise someone else created it meanwhile, and the conflict policy decides.
 */
async function settle(
  ctx: RunContext,
  w: Extract<Write, { kind: "create" }>,
  err: unknown,
  kind: "duplicate" | "lost",
  opts: ApplyOptions,
  record: (o: ItemOutcome) => void,
): Promise<void> {
  const { item } = w;
  const name = esc(item.name);
  const fail = (msg: string, targetId?: string) => {
    ctx.logger.error(`Error creating quick connect ${name}: ${esc(msg)}`);
    record({ action: "failed", targetId, error: msg });
  };
  checkpoint(opts.signal);
  let found;
  try {
    found = await findByName(ctx, item.name, opts.search);
    // A Search result without Tags may mean "not returned": read them where they matter.
    if (found?.QuickConnectId && found.Tags === undefined) {
      found = Object.keys(item.tags).length === 0
        ? { ...found, Tags: {} }
        : await describeQuickConnect(ctx.client, ctx.instanceId, found.QuickConnectId);
    }
  } catch (lookupErr) {
    if (isInterrupted(lookupErr)) throw lookupErr;
    fail(
      `${describeError(err)} (and looking its name up to see whether it was created failed: ${
        describeError(lookupErr)
      }); run the same import again to settle it, it will not create a duplicate`,
    );
    if (isFatalForRun(lookupErr)) throw toFatal(lookupErr, ctx, "connect:SearchQuickConnects");
    return;
  }
  if (!found?.QuickConnectId) {
    fail(
      kind === "duplicate"
        ? `${describeError(err)} (and no quick connect named exactly like this was found)`
        : `${
          describeError(err)
        } (no quick connect with this name exists in the target: it was not created)`,
    );
    return;
  }
  const id = found.QuickConnectId;
  const diffs = diffQuickConnect(
    { description: item.description, config: w.config, tags: item.tags },
    found,
  );
  if (diffs.length === 0) {
    ctx.logger.info(`Created quick connect: ${name} -> ${esc(id)}`);
    ctx.logger.debug(
      `${name}: the create was answered ${
        esc(describeError(err))
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
  fail(
    "A different quick connect with this name was created in the target during this run; run the import again to apply --on-conflict to it",
    id,
  );
}

async function update(
  ctx: RunContext,
  w: Extract<Write, { kind: "update" }>,
  opts: ApplyOptions,
  applied: Applied,
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
    applied.items.set(item.index, { action: "updated", targetId: ex.id, changes: parts });
  } catch (err) {
    const partial = done.length > 0 ? ` (already updated: ${[...new Set(done)].join(", ")})` : "";
    const reason = isInterrupted(err)
      ? `Interrupted while updating${partial}; run the same import again to finish it`
      : `${describeError(err)}${partial}`;
    if (!isInterrupted(err)) {
      ctx.logger.error(`Error updating quick connect ${name}: ${esc(reason)}`);
    }
    applied.items.set(item.index, {
      action: "failed",
      targetId: ex.id,
      error: reason,
      changes: parts,
    });
    if (isInterrupted(err)) throw err;
    if (isFatalForRun(err)) throw toFatal(err, ctx, "connect:UpdateQuickConnectConfig");
  }
}
