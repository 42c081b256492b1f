/**
 * One create of the plan, and the thin loop that settles a create the service did not
 * plainly answer: it gathers the facts (a lookup by name, a resend, a wait until listed)
 * and lets settle.ts decide. Every outcome goes into the run's record when it is known.
 */
import { CreateQuickConnectCommand, type QuickConnect } from "@aws-sdk/client-connect";
import { isInterrupted } from "../aws/limiter.ts";
import { findQuickConnect } from "../aws/find.ts";
import {
  answerOf,
  attemptsOf,
  describeError,
  FatalAwsError,
  guidance,
  httpStatusOf,
  isAccessDenied,
  isDuplicate,
  isFatalForRun,
  isLimitExceeded,
  sentTimesOf,
  toFatal,
} from "../errors.ts";
import { esc } from "../log.ts";
import { diffQuickConnect } from "./diff.ts";
import type { ApplyContext } from "./apply_context.ts";
import type { Outcome } from "./journal.ts";
import { afterOf, compareEntry, type PlanEntry } from "./plan.ts";
import { decide, type SettleFacts, type Step } from "./settle.ts";
import { update, type UpdateEntry } from "./update.ts";
import { checkpoint, untilVisible } from "./wait.ts";

export type CreateEntry = Extract<PlanEntry, { kind: "create" }>;

/** One create; returns the quota message when the instance's quick connect quota is reached. */
export async function create(ac: ApplyContext, w: CreateEntry): Promise<string | undefined> {
  const name = esc(w.item.name);
  try {
    const id = await sendCreate(ac, w);
    ac.logger.info(`Created quick connect: ${name} -> ${esc(id)}`);
    ac.record.settle(w.item.index, { result: "done", action: "created", targetId: id });
    return undefined;
  } catch (err) {
    // Interrupted: the journal says whether it was sent (uncertain) or not. The journal
    // cannot be written: the run stops there.
    if (isInterrupted(err) || err instanceof FatalAwsError) throw err;
    const window = { ...windowOf(err), to: Date.now() };
    if (isDuplicate(err) || (answerOf(err) === "unknown" && !isFatalForRun(err))) {
      await settle(ac, w, err, { window, landed: answerOf(err) === "unknown" });
      return undefined;
    }
    return failed(ac, w, err);
  }
}

const windowOf = (err: unknown) => {
  const t = sentTimesOf(err);
  return { from: t.first, last: t.last };
};

function failed(ac: ApplyContext, w: CreateEntry, err: unknown) {
  const reason = describeError(err);
  if (answerOf(err) === "unknown") {
    // No answer however often it was tried: it may have landed, and the endpoint is dead.
    notCreated(
      ac,
      w,
      "uncertain",
      `${reason}; it may or may not have been created: run the same import again to settle it`,
    );
    throw toFatal(err, ac, "connect:CreateQuickConnect");
  }
  if (isLimitExceeded(err)) {
    const quota =
      `the target instance's quota of quick connects is reached (${reason}); ask for a higher "Quick connects per instance" quota (L-68BBE2E8) in Service Quotas, then run again`;
    notCreated(ac, w, "failed", quota);
    return quota;
  }
  const hint = isAccessDenied(err)
    ? `; ${guidance(err, { ...ac, action: "connect:CreateQuickConnect" }).hint}`
    : "";
  notCreated(ac, w, "failed", reason + hint);
  if (isFatalForRun(err)) throw toFatal(err, ac, "connect:CreateQuickConnect");
  return undefined;
}

/** A create that did not end created: its log line (the earlier scripts' wording) and outcome. */
function notCreated(
  ac: ApplyContext,
  w: CreateEntry,
  result: "failed" | "uncertain",
  reason: string,
  targetId?: string,
  taken?: boolean,
): void {
  ac.logger.error(`Error creating quick connect ${esc(w.item.name)}: ${esc(reason)}`);
  ac.record.settle(w.item.index, {
    result,
    reason,
    done: [],
    ...(targetId ? { targetId } : {}),
    ...(taken ? { taken } : {}),
  });
}

/** Sends the create, its intent in the journal first and its answer after. */
async function sendCreate(ac: ApplyContext, w: CreateEntry): Promise<string> {
  const { item } = w;
  const cmd = new CreateQuickConnectCommand({
    InstanceId: ac.instanceId,
    Name: item.name,
    // Description and Tags have a minimum length of 1: an empty value is left out.
    Description: item.description === "" ? undefined : item.description,
    QuickConnectConfig: w.config,
    Tags: Object.keys(item.tags).length > 0 ? item.tags : undefined,
  });
  const seq = ac.record.intend({
    op: "create",
    item: item.index,
    name: item.name,
    after: afterOf(w),
  });
  try {
    const out = await ac.client.send(cmd);
    ac.record.answer(seq, { result: "done", targetId: out.QuickConnectId ?? "" });
    return out.QuickConnectId ?? "";
  } catch (err) {
    // A taken name does not say whose it is: only an attempt that may have landed (or an
    // HTTP-layer resend of this very request) can have made it this run's.
    const reason = describeError(err);
    ac.record.answer(
      seq,
      isDuplicate(err)
        ? { result: "taken", landed: answerOf(err) === "unknown", reason }
        : { result: answerOf(err), reason },
    );
    throw err;
  }
}

interface Settling {
  window: { from: number; last: number; to: number };
  /** An attempt may have been applied (see settle.ts). */
  landed: boolean;
}

async function settle(ac: ApplyContext, w: CreateEntry, err: unknown, s: Settling): Promise<void> {
  const name = esc(w.item.name);
  ac.logger.debug(
    `${name}: the create was answered ${esc(describeError(err))} after ${
      attemptsOf(err)
    } attempts; settling it`,
  );
  const facts: SettleFacts = {
    answer: isDuplicate(err) ? "taken" : "no-answer",
    landed: s.landed,
    window: s.window,
    looked: false,
    resent: false,
    waited: false,
    onConflict: ac.onConflict,
  };
  let found: QuickConnect | undefined;
  const see = (qc: QuickConnect | undefined) => {
    found = qc;
    facts.found = qc?.QuickConnectId ? factsOf(w, qc) : undefined;
  };
  for (;;) {
    const step = decide(facts);
    if (step.next === "look" || step.next === "wait") {
      // Taken with no attempt of ours that may have landed: someone else's, unless settled.
      const taken = facts.answer === "taken" && !facts.landed;
      const got = await lookingUp(ac, w, err, { untilListed: step.next === "wait", taken });
      if (got === "failed") return;
      facts[step.next === "look" ? "looked" : "waited"] = true;
      see(got.found);
    } else if (step.next === "resend") {
      const again = await resend(ac, w, err, s);
      if (again === "settled") return;
      facts.resent = true;
      facts.landed ||= again.landed;
      facts.window.last = again.last;
    } else return await conclude(ac, w, step, found, { err, ...s });
  }
}

function factsOf(w: CreateEntry, qc: QuickConnect): SettleFacts["found"] {
  const diffs = diffQuickConnect(
    { description: w.item.description, config: w.config, tags: w.item.tags },
    qc,
  );
  return {
    id: qc.QuickConnectId ?? "",
    matches: diffs.length === 0,
    modifiedAt: qc.LastModifiedTime?.getTime(),
  };
}

/** The name looked up once, or until listed; "failed" once a failed lookup failed the create. */
async function lookingUp(
  ac: ApplyContext,
  w: CreateEntry,
  err: unknown,
  how: { untilListed: boolean; taken: boolean },
): Promise<{ found: QuickConnect | undefined } | "failed"> {
  const look = () => {
    checkpoint(ac.signal);
    return findQuickConnect(ac, w.item.name, ac.search, Object.keys(w.item.tags).length > 0);
  };
  try {
    return {
      found: how.untilListed ? await untilVisible(look, ac.waitMs, ac.signal) : await look(),
    };
  } catch (lookupErr) {
    if (isInterrupted(lookupErr)) throw lookupErr;
    const reason = `${
      describeError(err)
    } (and looking its name up to see whether it was created failed: ${
      describeError(lookupErr)
    }); run the same import again to settle it, it will not create a duplicate`;
    notCreated(ac, w, "uncertain", reason, undefined, how.taken);
    if (isFatalForRun(lookupErr)) throw toFatal(lookupErr, ac, "connect:SearchQuickConnects");
    return "failed";
  }
}

/** Not listed after no answer: the create once more decides (see settle.ts). */
async function resend(
  ac: ApplyContext,
  w: CreateEntry,
  err: unknown,
  s: Settling,
): Promise<"settled" | { landed: boolean; last: number }> {
  const name = esc(w.item.name);
  ac.logger.debug(`${name}: not listed after ${esc(describeError(err))}; sending it once more`);
  try {
    const id = await sendCreate(ac, w);
    ac.logger.info(`Created quick connect: ${name} -> ${esc(id)}`);
    ac.record.settle(w.item.index, { result: "done", action: "created", targetId: id });
    return "settled";
  } catch (again) {
    s.window.to = Date.now();
    if (isInterrupted(again) || again instanceof FatalAwsError) throw again;
    const answer = answerOf(again);
    if (isDuplicate(again)) return { landed: answer === "unknown", last: sentTimesOf(again).last };
    // Answered (a 4xx or 5xx) and not taken: the name is free, so the first call did not
    // create it either (names are unique at once). Unanswered: it may exist now.
    const uncertain = httpStatusOf(again) === undefined;
    const reason = `${describeError(err)}, and again ${describeError(again)} when sent once more; ${
      uncertain ? "it may or may not have been created" : "it was not created"
    }: run the same import again`;
    notCreated(ac, w, uncertain ? "uncertain" : "failed", reason);
    if (isFatalForRun(again)) throw toFatal(again, ac, "connect:CreateQuickConnect");
    return "settled";
  }
}

/** Records what the decision says, or carries out the update it calls for. */
async function conclude(
  ac: ApplyContext,
  w: CreateEntry,
  step: Step,
  found: QuickConnect | undefined,
  s: Settling & { err: unknown },
): Promise<void> {
  const name = esc(w.item.name);
  const put = (o: Outcome) => ac.record.settle(w.item.index, o);
  const cause = esc(describeError(s.err));
  switch (step.next) {
    case "created":
      ac.logger.info(`Created quick connect: ${name} -> ${esc(step.id)}`);
      ac.logger.debug(
        `${name}: the create was answered ${cause}; the identical quick connect under its name appeared within the call's own attempts: an earlier attempt whose response was lost created it`,
      );
      return put({ result: "done", action: "created", targetId: step.id });
    case "uncertain": {
      if (step.taken) {
        ac.logger.warning(
          `${name}: ${step.why}: reported created, but its undo leaves it unless --force`,
        );
        return put({
          result: "uncertain",
          reason: `May have been created by another run: ${step.why}`,
          targetId: step.id,
          done: [],
          taken: true,
        });
      }
      const reason =
        `May have been created by this run: ${step.why} (the create was answered ${cause}); run the same import again to settle it`;
      return notCreated(ac, w, "uncertain", reason, step.id);
    }
    case "skipped":
      ac.logger.warning(`Quick connect already exists: ${name}`);
      return put({ result: "done", action: "skipped", targetId: step.id });
    case "unchanged":
      ac.logger.info(`Quick connect unchanged: ${name} -> ${esc(step.id)}`);
      return put({ result: "done", action: "unchanged", targetId: step.id });
    case "update": {
      const u = found ? updateOf(w, found, step.id) : undefined;
      if (u) await update(ac, u);
      return;
    }
    case "exists": {
      const reason =
        "A quick connect with this name already exists in the target (--on-conflict fail); use --on-conflict skip or update";
      return notCreated(ac, w, "failed", reason, step.id);
    }
    default: {
      const reason =
        `${cause} (the name is taken, but no quick connect of that exact name was listed within ${
          Math.round(ac.waitMs / 1000)
        } s; the service may still be catching up: run the same import again later)`;
      return notCreated(ac, w, "failed", reason);
    }
  }
}

/** The update that makes the existing quick connect `found` what the create meant. */
function updateOf(w: CreateEntry, found: QuickConnect, id: string): UpdateEntry | undefined {
  const e = compareEntry(w.item, w.config, { id, arn: found.QuickConnectARN, have: found });
  return e.kind === "update" ? e : undefined;
}
