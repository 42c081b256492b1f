/**
 * settle.ts decide(): the pure decision for a create the service did not plainly answer, as
 * a table of cases. A row is the facts gathered so far and the step that must follow.
 */
import assert from "node:assert/strict";
import { CLOCK_SLACK_MS, decide, type SettleFacts, type Step } from "../lib/import/settle.ts";

const T0 = Date.parse("2026-12-01T10:00:00Z");
const base: SettleFacts = {
  answer: "taken",
  landed: false,
  window: { from: T0, last: T0, to: T0 + 400 },
  looked: false,
  resent: false,
  waited: false,
  onConflict: "skip",
};
const found = (matches: boolean, modifiedAt?: number) => ({ id: "qc-1", matches, modifiedAt });

const CASES: [string, Partial<SettleFacts>, Step["next"]][] = [
  // No answer that says either way: look the name up once, then resend, then wait.
  ["no answer, not looked up yet", { answer: "no-answer", landed: true }, "look"],
  [
    "no answer, looked up, nothing there",
    { answer: "no-answer", landed: true, looked: true },
    "resend",
  ],
  [
    "no answer, resent and answered taken: wait until listed",
    { answer: "no-answer", landed: true, looked: true, resent: true },
    "wait",
  ],
  [
    "no answer, taken, never listed: it may be ours",
    { answer: "no-answer", landed: true, looked: true, resent: true, waited: true },
    "uncertain",
  ],
  // Taken at once: wait until listed.
  ["taken, not listed yet", {}, "wait"],
  ["taken on the first attempt, never listed: not ours", { waited: true }, "not-listed"],
  [
    "taken after an attempt that may have landed, never listed: may be ours",
    { waited: true, landed: true },
    "uncertain",
  ],
  [
    "taken after a 429 (every attempt answered), never listed: not ours",
    { waited: true, window: { from: T0, last: T0 + 200, to: T0 + 400 } },
    "not-listed",
  ],
  // Listed: whose is it?
  [
    "identical, modified within the call, taken on its only attempt: contested, uncertain",
    { found: found(true, T0 + 100) },
    "uncertain",
  ],
  [
    "identical, modified within a call whose earlier attempt got no answer: a lost response, ours",
    { found: found(true, T0 + 100), landed: true },
    "created",
  ],
  [
    "identical, made after a 429 and before the retry answered 409: another writer's (every attempt answered)",
    { found: found(true, T0 + 70), window: { from: T0, last: T0 + 300, to: T0 + 400 } },
    "skipped",
  ],
  [
    "identical, modified just before a call taken on its only attempt: another run's",
    { found: found(true, T0 - 100) },
    "skipped",
  ],
  [
    "identical, modified within the clock slack before a call that may have landed: ours",
    { found: found(true, T0 - CLOCK_SLACK_MS + 1), landed: true },
    "created",
  ],
  [
    "identical, modified within the clock slack before a call with no answer: ours",
    { answer: "no-answer", landed: true, looked: true, found: found(true, T0 - 100) },
    "created",
  ],
  [
    "identical, modified before the call (another run's, moments ago): skip",
    { found: found(true, T0 - 300) },
    "skipped",
  ],
  [
    "identical, modified after the call: not ours",
    { found: found(true, T0 + 400 + CLOCK_SLACK_MS + 1), landed: true },
    "skipped",
  ],
  ["identical, no time, every attempt answered: not ours", { found: found(true) }, "skipped"],
  [
    "identical, no time, an attempt may have landed: may be ours",
    { found: found(true), landed: true },
    "uncertain",
  ],
  [
    "identical, no time, no answer: may be ours",
    { answer: "no-answer", landed: true, looked: true, found: found(true) },
    "uncertain",
  ],
  [
    "different, within the call (someone changed it at once): the policy decides",
    { found: found(false, T0 + 100), landed: true, onConflict: "update" },
    "update",
  ],
  [
    "someone else's, identical, policy update: unchanged",
    { found: found(true, T0 - 60_000), onConflict: "update" },
    "unchanged",
  ],
  [
    "someone else's, different, policy update: update",
    { found: found(false, T0 - 60_000), onConflict: "update" },
    "update",
  ],
  [
    "someone else's, policy fail: exists",
    { found: found(false, T0 - 60_000), onConflict: "fail" },
    "exists",
  ],
];

for (const [name, facts, next] of CASES) {
  Deno.test(`decide(): ${name} → ${next}`, () => {
    assert.equal(decide({ ...base, ...facts }).next, next);
  });
}

Deno.test("decide(): taken on the only attempt and made within the call is contested: uncertain, taken", () => {
  const step = decide({ ...base, found: found(true, T0 + 100) });
  assert.equal(step.next, "uncertain");
  assert.equal("taken" in step && step.taken, true);
  assert.equal("id" in step ? step.id : undefined, "qc-1");
  assert.deepEqual(decide({ ...base, landed: true, found: found(true, T0 + 100) }), {
    next: "created",
    id: "qc-1",
  });
});

Deno.test("decide(): a created or uncertain step names the quick connect found", () => {
  const step = decide({ ...base, landed: true, found: found(true, T0 + 1) });
  assert.deepEqual(step, { next: "created", id: "qc-1" });
  const maybe = decide({ ...base, landed: true, found: found(true) });
  assert.equal(maybe.next, "uncertain");
  assert.equal("id" in maybe ? maybe.id : undefined, "qc-1");
});
