/**
 * One update of the plan: description, config, then tags (untagged first: old and new tags
 * together may exceed the 50 a resource can have). Each part is recorded as done when its
 * call is answered, so a run stopped or failing halfway knows exactly what it changed.
 */
import {
  TagResourceCommand,
  UntagResourceCommand,
  UpdateQuickConnectConfigCommand,
  UpdateQuickConnectNameCommand,
} from "@aws-sdk/client-connect";
import { isInterrupted } from "../aws/limiter.ts";
import { answerOf, describeError, isFatalForRun, toFatal } from "../errors.ts";
import { esc } from "../log.ts";
import { tagChanges } from "./diff.ts";
import type { ApplyContext } from "./apply_context.ts";
import type { Intent } from "./journal.ts";
import { afterOf, type Part, type PlanEntry } from "./plan.ts";
import { checkpoint } from "./wait.ts";

export type UpdateEntry = Extract<PlanEntry, { kind: "update" }>;

/** A call of the update: the part it changes, what the journal calls it, and its send. */
interface Call {
  part: Part;
  op: Intent["op"];
  send: () => Promise<unknown>;
}

/** The calls of an update, in order, each with the part it changes. */
function calls(ctx: ApplyContext, w: UpdateEntry): Call[] {
  const { item, target: ex, parts } = w;
  const at = { InstanceId: ctx.instanceId, QuickConnectId: ex.id };
  const c = ctx.client;
  const out: Call[] = [];
  if (parts.includes("description")) {
    const cmd = new UpdateQuickConnectNameCommand({ ...at, Description: item.description });
    out.push({ part: "description", op: "update", send: () => c.send(cmd) });
  }
  if (parts.includes("config")) {
    const cmd = new UpdateQuickConnectConfigCommand({ ...at, QuickConnectConfig: w.config });
    out.push({ part: "config", op: "update", send: () => c.send(cmd) });
  }
  if (!parts.includes("tags")) return out;
  // Untag first: old and new tags together may exceed the 50 a resource can have.
  const arn = ex.arn;
  if (!arn) throw new Error("the target did not return the quick connect's ARN");
  const { set, remove } = tagChanges(item.tags, ex.tags);
  if (remove.length > 0) {
    const cmd = new UntagResourceCommand({ resourceArn: arn, tagKeys: remove });
    out.push({ part: "tags", op: "untag", send: () => c.send(cmd) });
  }
  if (Object.keys(set).length > 0) {
    const cmd = new TagResourceCommand({ resourceArn: arn, tags: set });
    out.push({ part: "tags", op: "tag", send: () => c.send(cmd) });
  }
  return out;
}

/**
 * Each call's intent, with the before-image undo restores, goes into the journal before it
 * is sent; a run stopped halfway leaves exactly which parts changed, or may have.
 */
export async function update(ctx: ApplyContext, w: UpdateEntry): Promise<void> {
  const { item, target: ex, parts } = w;
  const name = esc(item.name);
  const done: Part[] = [];
  const base = {
    item: item.index,
    name: item.name,
    targetId: ex.id,
    before: ex.before,
    after: afterOf(w),
  };
  for (const c of calls(ctx, w)) {
    checkpoint(ctx.signal);
    const seq = ctx.record.intend({ ...base, op: c.op, part: c.part });
    try {
      await c.send();
      ctx.record.answer(seq, { result: "done" });
    } catch (err) {
      const answer = answerOf(err);
      ctx.record.answer(seq, { result: answer, reason: describeError(err) });
      // Interrupted: the journal holds what was done and what may have been.
      if (isInterrupted(err)) throw err;
      const partial = done.length > 0 ? ` (already updated: ${done.join(", ")})` : "";
      const reason = `${describeError(err)}${partial}`;
      ctx.logger.error(`Error updating quick connect ${name}: ${esc(reason)}`);
      ctx.record.settle(
        item.index,
        answer === "unknown"
          ? {
            result: "uncertain",
            reason: `${reason}; the change may have been applied`,
            targetId: ex.id,
            done,
          }
          : { result: "failed", reason, targetId: ex.id, done },
      );
      if (isFatalForRun(err)) throw toFatal(err, ctx, "connect:UpdateQuickConnectConfig");
      return;
    }
    if (!done.includes(c.part)) done.push(c.part);
  }
  ctx.logger.info(`Updated quick connect: ${name} -> ${esc(ex.id)} (${parts.join(", ")})`);
  ctx.record.settle(item.index, { result: "done", action: "updated", targetId: ex.id, parts });
}
