/**
 * Settling a create that the service did not plainly answer, as a pure decision from the
 * facts gathered so far; lib/import/create.ts is the thin loop that gathers them.
 *
 * - No answer that says either way (a lost response, a 5xx, throttling after retries): look
 *   the name up; if nothing is there, send the create once more. Names are unique at once
 *   even where lists lag (docs/live-service.md), so that second create either creates it or
 *   is answered DuplicateResourceException.
 * - DuplicateResourceException: a quick connect has the name. It may not be listed yet, so
 *   it is looked for until it shows, then told whose it is.
 *
 * Whose it is: this run's only if it appeared within this create call's own attempts — its
 * LastModifiedTime falls between the call's first request and its last answer (a lost
 * response). Modified before the call: somebody else's, and the conflict policy decides as
 * for any existing one. Without a time it cannot be told: "may have been this run's"
 * (uncertain), never simply created.
 */
import type { OnConflict } from "./plan.ts";

/** How far the service's clock may be ahead of or behind ours. */
export const CLOCK_SLACK_MS = 250;

export interface SettleFacts {
  /** The create's answer: the name is taken, or no answer that says either way. */
  answer: "taken" | "no-answer";
  /** Attempts the SDK made for the create (and its resend). */
  attempts: number;
  /** When the call's first request left and its last answer came, ms since the epoch. */
  window: { from: number; to: number };
  /** The name was looked up once (after no answer). */
  looked: boolean;
  /** The create was sent once more and answered DuplicateResourceException. */
  resent: boolean;
  /** The name was looked for until it was listed, or the wait ended. */
  waited: boolean;
  /** The quick connect listed under the name, if found. */
  found?: {
    id: string;
    /** It holds exactly what the create meant (description, config, tags). */
    matches: boolean;
    /** Its LastModifiedTime, ms since the epoch. */
    modifiedAt?: number;
  };
  onConflict: OnConflict;
}

export type Step =
  | { next: "look" | "resend" | "wait" }
  /** `contested`: it may have been another run's, made while this create was in flight. */
  | { next: "created"; id: string; contested?: boolean }
  | { next: "uncertain"; id?: string; why: string }
  | { next: "skipped" | "unchanged" | "update" | "exists"; id: string }
  | { next: "not-listed" };

/**
 * Answered "taken" on its only attempt, the call can have made it only if the HTTP layer
 * resent the request below the SDK after a lost response (seen under Deno): then it was
 * modified after the request left, never before. A run just ahead with the same file
 * creates each name earlier ("theirs"), or at the same moment, which cannot be told apart
 * from a resend: "contested" — reported created, but not claimed for undo.
 */
export type Whose = "ours" | "contested" | "maybe" | "theirs";

export function whose(f: SettleFacts): Whose {
  const t = f.found?.modifiedAt;
  if (t === undefined) return f.attempts > 1 || f.answer === "no-answer" ? "maybe" : "theirs";
  const single = f.answer === "taken" && f.attempts === 1 && !f.resent;
  const from = f.window.from - (single ? 0 : CLOCK_SLACK_MS);
  if (t < from || t > f.window.to + CLOCK_SLACK_MS) return "theirs";
  return single ? "contested" : "ours";
}

export function decide(f: SettleFacts): Step {
  if (!f.found) {
    if (f.answer === "no-answer" && !f.looked) return { next: "look" };
    if (f.answer === "no-answer" && !f.resent) return { next: "resend" };
    if (!f.waited) return { next: "wait" };
    // Taken, never listed: ours if one of our attempts may have taken it.
    return f.resent || f.attempts > 1 || f.answer === "no-answer"
      ? { next: "uncertain", why: "the name is taken, but it was not listed in time" }
      : { next: "not-listed" };
  }
  const { id, matches } = f.found;
  const w = whose(f);
  if (matches && w === "ours") return { next: "created", id };
  if (matches && w === "contested") return { next: "created", id, contested: true };
  if (matches && w === "maybe") {
    return {
      next: "uncertain",
      id,
      why: "a quick connect identical to it exists, and the service gave no time to tell " +
        "whether this run's create made it",
    };
  }
  if (f.onConflict === "skip") return { next: "skipped", id };
  if (matches) return { next: "unchanged", id };
  return { next: f.onConflict === "update" ? "update" : "exists", id };
}
