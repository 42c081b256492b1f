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
import { onLeave } from "../aws/calls.ts";
import type { RunContext } from "../context.ts";
import { describeError, isFatalForRun, toFatal } from "../errors.ts";
import { esc } from "../log.ts";
import { tagChanges } from "./diff.ts";
import type { RunRecord } from "./outcome.ts";
import type { Part, PlanEntry } from "./plan.ts";
import { checkpoint } from "./wait.ts";

export type UpdateEntry = Extract<PlanEntry, { kind: "update" }>;

/** A call of the update: sends its command, calling `left` when its request leaves. */
interface Call {
  part: Part;
  send: (left: () => void) => Promise<unknown>;
}

const call = <C extends object>(part: Part, cmd: C, send: (c: C) => Promise<unknown>): Call => ({
  part,
  send: (left) => {
    onLeave(cmd, left);
    return send(cmd);
  },
});

/** The calls of an update, in order, each with the part it changes. */
function calls(ctx: RunContext, w: UpdateEntry): Call[] {
  const { item, target: ex, parts } = w;
  const at = { InstanceId: ctx.instanceId, QuickConnectId: ex.id };
  const c = ctx.client;
  const out: Call[] = [];
  if (parts.includes("description")) {
    const cmd = new UpdateQuickConnectNameCommand({ ...at, Description: item.description });
    out.push(call("description", cmd, (x) => c.send(x)));
  }
  if (parts.includes("config")) {
    const cmd = new UpdateQuickConnectConfigCommand({ ...at, QuickConnectConfig: w.config });
    out.push(call("config", cmd, (x) => c.send(x)));
  }
  if (!parts.includes("tags")) return out;
  // Untag first: old and new tags together may exceed the 50 a resource can have.
  const arn = ex.arn;
  if (!arn) throw new Error("the target did not return the quick connect's ARN");
  const { set, remove } = tagChanges(item.tags, ex.tags);
  if (remove.length > 0) {
    const cmd = new UntagResourceCommand({ resourceArn: arn, tagKeys: remove });
    out.push(call("tags", cmd, (x) => c.send(x)));
  }
  if (Object.keys(set).length > 0) {
    const cmd = new TagResourceCommand({ resourceArn: arn, tags: set });
    out.push(call("tags", cmd, (x) => c.send(x)));
  }
  return out;
}

/**
 * `fromCreate`: a create found the name taken and the policy says update: the outcome
 * carries the before-image the update replaced (the plan had none).
 */
export async function update(
  ctx: RunContext,
  w: UpdateEntry,
  opts: { signal?: AbortSignal },
  record: RunRecord,
  fromCreate = false,
): Promise<void> {
  const { item, target: ex, parts } = w;
  const name = esc(item.name);
  const done: Part[] = [];
  let sending = false;
  try {
    for (const c of calls(ctx, w)) {
      checkpoint(opts.signal);
      const left = record.sendingFor(item.index, done, ex.id);
      sending = true;
      await c.send(left);
      sending = false;
      if (!done.includes(c.part)) done.push(c.part);
    }
    ctx.logger.info(`Updated quick connect: ${name} -> ${esc(ex.id)} (${parts.join(", ")})`);
    record.record(item.index, {
      result: "done",
      action: "updated",
      targetId: ex.id,
      parts,
      ...(fromCreate ? { before: ex.before } : {}),
    });
  } catch (err) {
    const partial = done.length > 0 ? ` (already updated: ${done.join(", ")})` : "";
    if (isInterrupted(err)) {
      const unanswered = sending && record.hasLeft(item.index);
      // Nothing sent: not attempted, as the record already says.
      if (!unanswered && done.length === 0) throw err;
      const reason = `Interrupted while updating${partial}${
        unanswered ? "; the last change was sent and not answered" : ""
      }; run the same import again to finish it`;
      record.record(
        item.index,
        unanswered
          ? { result: "uncertain", reason, targetId: ex.id, done }
          : { result: "failed", reason, targetId: ex.id, done },
      );
      throw err;
    }
    const reason = `${describeError(err)}${partial}`;
    ctx.logger.error(`Error updating quick connect ${name}: ${esc(reason)}`);
    record.record(item.index, { result: "failed", reason, targetId: ex.id, done });
    if (isFatalForRun(err)) throw toFatal(err, ctx, "connect:UpdateQuickConnectConfig");
  }
}
