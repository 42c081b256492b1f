/**
 * Settling a create that the service did not plainly answer, as a pure decision from the
 * facts gathered so far; lib/import/create.ts is the thin loop that gathers them.
 *
 * - No answer that says either way (a lost response, a 5xx): look
 *   the name up; if nothing is there, send the create once more. Names are unique at once
 *   even where lists lag (docs/live-service.md), so that second create either creates it or
 *   is answered DuplicateResourceException.
 * - DuplicateResourceException: a quick connect has the name. It may not be listed yet, so
 *   it is looked for until it shows, then told whose it is.
 *
 * Whose it is: this run's only if one of its attempts may have been applied (it got no
 * answer, or a 5xx) and the quick connect appeared within the call — its LastModifiedTime
 * falls between the call's first request and its last answer. When every attempt was
 * answered (a 429, then the 409), none of them made it: another writer did, unless the HTTP
 * layer resent the last request below the SDK after a lost response (seen under Deno), which
 * cannot be told from another run creating it at that moment ("contested": uncertain, and
 * undo leaves it unless --force). Without a time it cannot be told: uncertain.
 */
import type { OnConflict } from "./plan.ts";

/** How far the service's clock may be ahead of or behind ours. */
export const CLOCK_SLACK_MS = 250;

export interface SettleFacts {
  /** The create's answer: the name is taken, or no answer that says either way. */
  answer: "taken" | "no-answer";
  /** An attempt of the create (or of its resend) may have been applied: no answer, or a 5xx. */
  landed: boolean;
  /**
   * When the call's first request left, when its last request left and when its last answer
   * came, ms since the epoch.
   */
  window: { from: number; last: number; to: number };
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
  | { next: "created"; id: string }
  /** `taken`: it may be another run's, made while this create was in flight. */
  | { next: "uncertain"; id?: string; why: string; taken?: boolean }
  | { next: "skipped" | "unchanged" | "update" | "exists"; id: string }
  | { next: "not-listed" };

export function whose(f: SettleFacts): "ours" | "contested" | "maybe" | "theirs" {
  const t = f.found?.modifiedAt;
  if (t === undefined) return f.landed ? "maybe" : "theirs";
  const to = f.window.to + CLOCK_SLACK_MS;
  if (f.landed) return t >= f.window.from - CLOCK_SLACK_MS && t <= to ? "ours" : "theirs";
  return t >= f.window.last && t <= to ? "contested" : "theirs";
}

export function decide(f: SettleFacts): Step {
  if (!f.found) {
    if (f.answer === "no-answer" && !f.looked) return { next: "look" };
    if (f.answer === "no-answer" && !f.resent) return { next: "resend" };
    if (!f.waited) return { next: "wait" };
    // Taken, never listed: ours if one of our attempts may have taken it.
    return f.landed
      ? { next: "uncertain", why: "the name is taken, but it was not listed in time" }
      : { next: "not-listed" };
  }
  const { id, matches } = f.found;
  const w = whose(f);
  if (matches && w === "ours") return { next: "created", id };
  if (matches && w === "contested") {
    return {
      next: "uncertain",
      id,
      taken: true,
      why: "its name was taken while its create was in flight, and nothing tells this run's " +
        "create from another run's made at that moment",
    };
  }
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
