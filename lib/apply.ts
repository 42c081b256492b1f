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
  errorName,
  FatalAwsError,
  guidance,
  isAccessDenied,
  isDuplicate,
  isLimitExceeded,
} from "./errors.ts";
import {
  checkpoint,
  type ImportRun,
  isInterrupted,
  outcome,
  type PlannedWrite,
} from "./import_run.ts";
import { esc } from "./log.ts";
import { diffQuickConnect, tagChanges } from "./qc_diff.ts";

/** Errors after which every further call would fail the same way. */
function isFatalForRun(err: unknown): boolean {
  const name = errorName(err);
  const msg = (err as Error)?.message ?? "";
  return name === "CredentialsProviderError" || name === "ExpiredTokenException" ||
    name === "ExpiredToken" || name === "UnrecognizedClientException" ||
    name === "InvalidSignatureException" || name === "InvalidClientTokenId" ||
    /Could not load credentials|token.*expired|ECONNREFUSED|connection refused/i.test(msg);
}

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
        run.outcomes.set(
          w.item.index,
          outcome(w.item, "failed", {
            Error: `Not attempted: ${quotaError}`,
          }),
        );
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
      const msg =
        "Interrupted while creating; it may or may not exist in the target now: run the same import again to settle it";
      run.outcomes.set(item.index, outcome(item, "failed", { Error: msg }));
      throw err;
    }
    if (isDuplicate(err)) {
      await settleDuplicate(run, w, err);
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
      ? `; ${guidance(err, ctxOf(run, "connect:CreateQuickConnect")).hint}`
      : "";
    run.logger.error(`Error creating quick connect ${name}: ${esc(reason + hint)}`);
    run.outcomes.set(item.index, outcome(item, "failed", { Error: reason + hint }));
    if (isFatalForRun(err)) {
      const g = guidance(err, ctxOf(run, "connect:CreateQuickConnect"));
      throw new FatalAwsError(g.cause, g.hint, { cause: err });
    }
    return undefined;
  }
}

const ctxOf = (run: ImportRun, action: string) => ({
  action,
  instanceId: run.instanceId,
  region: run.region,
  endpoint: run.endpoint,
});

/**
 * The name is taken. If the quick connect under it is the one we meant to create (same
 * description, config and tags), an earlier attempt of this very call created it: count
 * it as created. Otherwise someone else created it meanwhile, and the conflict policy
 * decides.
 */
async function settleDuplicate(run: ImportRun, w: PlannedWrite, err: unknown): Promise<void> {
  const { item } = w;
  const name = esc(item.name);
  checkpoint(run);
  const byName = await run.target.quickConnects(false);
  const found = byName.get(item.name);
  if (!found) {
    const msg = `${describeError(err)} (and no quick connect named exactly like this was found)`;
    run.logger.error(`Error creating quick connect ${name}: ${esc(msg)}`);
    run.outcomes.set(item.index, outcome(item, "failed", { Error: msg }));
    return;
  }
  const have = await run.target.detail(found.id);
  const diffs = diffQuickConnect(
    { description: item.description, config: w.config, tags: item.tags },
    have,
  );
  if (diffs.length === 0) {
    run.logger.info(`Created quick connect: ${name} -> ${esc(found.id)}`);
    run.logger.debug(
      `${name}: the create was answered DuplicateResourceException and the quick connect found under its name is identical: an earlier attempt whose response was lost created it`,
    );
    run.outcomes.set(item.index, outcome(item, "created", { TargetId: found.id }));
    return;
  }
  if (run.onConflict === "skip") {
    run.logger.warning(`Quick connect already exists: ${name}`);
    run.outcomes.set(item.index, outcome(item, "skipped", { TargetId: found.id }));
    return;
  }
  const msg =
    "A different quick connect with this name was created in the target during this run; run the import again to apply --on-conflict to it";
  run.logger.error(`Error creating quick connect ${name}: ${msg}`);
  run.outcomes.set(item.index, outcome(item, "failed", { TargetId: found.id, Error: msg }));
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
      if (Object.keys(set).length > 0) {
        await step(
          "tags",
          () => run.client.send(new TagResourceCommand({ resourceArn: arn, tags: set })),
        );
      }
      if (remove.length > 0) {
        await step(
          "tags",
          () => run.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: remove })),
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
    if (isFatalForRun(err)) {
      const g = guidance(err, ctxOf(run, "connect:UpdateQuickConnectConfig"));
      throw new FatalAwsError(g.cause, g.hint, { cause: err });
    }
  }
}
