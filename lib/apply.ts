/**
 * Carries out the planned creates and updates, one call at a time (the write quotas are
 * 2 req/s, so concurrency would only queue on the limiter). A create that comes back
 * DuplicateResourceException is settled by looking the name up: the SDK retries a create
 * whose response was lost, and the retry meets the quick connect the first attempt made.
 */
import {
  CreateQuickConnectCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateQuickConnectConfigCommand,
  UpdateQuickConnectNameCommand,
} from "@aws-sdk/client-connect";
import {
  describeError,
  guidance,
  isAccessDenied,
  isDuplicate,
  isFatalForRun,
  isLimitExceeded,
  isThrottling,
  toFatal,
} from "./errors.ts";
import { checkpoint, type ImportRun, outcome, type PlannedWrite } from "./import_run.ts";
import { isInterrupted } from "./limiter.ts";
import { esc } from "./log.ts";
import { diffQuickConnect, tagChanges } from "./qc_diff.ts";

export async function applyWrites(run: ImportRun, writes: readonly PlannedWrite[]): Promise<void> {
  // After the first LimitExceededException every further create would hit the same
  // instance quota: those items fail without a call, updates still go ahead.
  let quotaError: string | undefined;
  let done = 0;
  for (const w of writes) {
    run.onProgress?.(done++, writes.length);
    checkpoint(run);
    if (w.kind === "create") {
      if (quotaError) {
        const reason = `Not attempted: ${quotaError}`;
        run.logger.error(`Error creating quick connect ${esc(w.item.name)}: ${esc(reason)}`);
        run.outcomes.set(w.item.index, outcome(w.item, "failed", { Error: reason }));
        continue;
      }
      quotaError = await create(run, w);
    } else {
      await update(run, w);
    }
  }
  run.onProgress?.(done, writes.length);
}

/** Returns the quota message if the instance's quick connect quota was reached. */
async function create(run: ImportRun, w: PlannedWrite): Promise<string | undefined> {
  const { item } = w;
  const name = esc(item.name);
  try {
    const out = await run.client.send(
      new CreateQuickConnectCommand({
        InstanceId: run.instanceId,
        Name: item.name,
        // Description and Tags have a minimum length of 1: an empty value is left out.
        Description: item.description === "" ? undefined : item.description,
        QuickConnectConfig: w.config,
        Tags: Object.keys(item.tags).length > 0 ? item.tags : undefined,
      }),
    );
    const id = out.QuickConnectId ?? "";
    run.logger.info(`Created quick connect: ${name} -> ${esc(id)}`);
    run.outcomes.set(item.index, outcome(item, "created", { TargetId: id }));
    return undefined;
  } catch (err) {
    if (isInterrupted(err)) {
      run.outcomes.set(item.index, outcome(item, "failed", { Error: INTERRUPTED_CREATE }));
      throw err;
    }
    if (isDuplicate(err)) {
      await settleOrMarkInterrupted(run, w, err, "duplicate");
      return undefined;
    }
    if (!isFatalForRun(err) && mayHaveBeenApplied(err)) {
      await settleOrMarkInterrupted(run, w, err, "lost");
      return undefined;
    }
    const reason = describeError(err);
    if (isLimitExceeded(err)) {
      const quota =
        `the target instance's quota of quick connects is reached (${reason}); ask for a higher "Quick connects per instance" quota (L-68BBE2E8) in Service Quotas, then run again`;
      run.logger.error(`Error creating quick connect ${name}: ${esc(quota)}`);
      run.outcomes.set(item.index, outcome(item, "failed", { Error: quota }));
      return quota;
    }
    const hint = isAccessDenied(err)
      ? `; ${guidance(err, { ...run, action: "connect:CreateQuickConnect" }).hint}`
      : "";
    run.logger.error(`Error creating quick connect ${name}: ${esc(reason + hint)}`);
    run.outcomes.set(item.index, outcome(item, "failed", { Error: reason + hint }));
    if (isFatalForRun(err)) throw toFatal(err, run, "connect:CreateQuickConnect");
    return undefined;
  }
}

const INTERRUPTED_CREATE =
  "Interrupted while creating; it may or may not exist in the target now: run the same import again to settle it";

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

/** settle(), with an interruption while settling recorded as an interrupted create. */
async function settleOrMarkInterrupted(
  run: ImportRun,
  w: PlannedWrite,
  err: unknown,
  kind: "duplicate" | "lost",
): Promise<void> {
  try {
    await settle(run, w, err, kind);
  } catch (e) {
    if (isInterrupted(e)) {
      run.outcomes.set(w.item.index, outcome(w.item, "failed", { Error: INTERRUPTED_CREATE }));
    }
    throw e;
  }
}

/**
 * The create failed with `err`, but it may have been applied: a DuplicateResourceException
 * (a retry met the quick connect its first attempt made) or a lost response / 5xx /
 * timeout. Look the name up (never create again): if the quick connect under it is the
 * one we meant to create (same description, config and tags), count it as created.
 * Otherwise someone else created it meanwhile, and the conflict policy decides.
 */
async function settle(
  run: ImportRun,
  w: PlannedWrite,
  err: unknown,
  kind: "duplicate" | "lost",
): Promise<void> {
  const { item } = w;
  const name = esc(item.name);
  const fail = (msg: string, targetId?: string) => {
    run.logger.error(`Error creating quick connect ${name}: ${esc(msg)}`);
    run.outcomes.set(item.index, outcome(item, "failed", { TargetId: targetId, Error: msg }));
  };
  checkpoint(run);
  let found;
  try {
    found = await run.target.findByName(item.name);
  } catch (lookupErr) {
    if (isInterrupted(lookupErr)) throw lookupErr;
    fail(
      `${describeError(err)} (and looking its name up to see whether it was created failed: ${
        describeError(lookupErr)
      }); run the same import again to settle it, it will not create a duplicate`,
    );
    if (isFatalForRun(lookupErr)) {
      throw toFatal(lookupErr, run, "connect:SearchQuickConnects");
    }
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
    run.logger.info(`Created quick connect: ${name} -> ${esc(id)}`);
    run.logger.debug(
      `${name}: the create was answered ${
        esc(describeError(err))
      } and the quick connect found under its name is identical: an earlier attempt whose response was lost created it`,
    );
    run.outcomes.set(item.index, outcome(item, "created", { TargetId: id }));
    return;
  }
  if (run.onConflict === "skip") {
    run.logger.warning(`Quick connect already exists: ${name}`);
    run.outcomes.set(item.index, outcome(item, "skipped", { TargetId: id }));
    return;
  }
  fail(
    "A different quick connect with this name was created in the target during this run; run the import again to apply --on-conflict to it",
    id,
  );
}

async function update(run: ImportRun, w: PlannedWrite): Promise<void> {
  const { item } = w;
  const ex = w.existing;
  if (!ex) throw new Error("update without an existing quick connect");
  const name = esc(item.name);
  const parts = w.parts ?? [];
  const done: string[] = [];
  const step = async (part: string, call: () => Promise<unknown>) => {
    checkpoint(run);
    await call();
    done.push(part);
  };
  try {
    if (parts.includes("description")) {
      await step("description", () =>
        run.client.send(
          new UpdateQuickConnectNameCommand({
            InstanceId: run.instanceId,
            QuickConnectId: ex.id,
            Description: item.description,
          }),
        ));
    }
    if (parts.includes("config")) {
      await step("config", () =>
        run.client.send(
          new UpdateQuickConnectConfigCommand({
            InstanceId: run.instanceId,
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
          () => run.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: remove })),
        );
      }
      if (Object.keys(set).length > 0) {
        await step(
          "tags",
          () => run.client.send(new TagResourceCommand({ resourceArn: arn, tags: set })),
        );
      }
    }
    run.logger.info(`Updated quick connect: ${name} -> ${esc(ex.id)} (${parts.join(", ")})`);
    run.outcomes.set(item.index, outcome(item, "updated", { TargetId: ex.id, Changes: parts }));
  } catch (err) {
    const partial = done.length > 0 ? ` (already updated: ${[...new Set(done)].join(", ")})` : "";
    const reason = isInterrupted(err)
      ? `Interrupted while updating${partial}; run the same import again to finish it`
      : `${describeError(err)}${partial}`;
    if (!isInterrupted(err)) {
      run.logger.error(`Error updating quick connect ${name}: ${esc(reason)}`);
    }
    run.outcomes.set(
      item.index,
      outcome(item, "failed", { TargetId: ex.id, Error: reason, Changes: parts }),
    );
    if (isInterrupted(err)) throw err;
    if (isFatalForRun(err)) throw toFatal(err, run, "connect:UpdateQuickConnectConfig");
  }
}
