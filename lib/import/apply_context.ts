/**
 * What applying a plan needs, built once in run_import.ts from the flags (their defaults live
 * only in the flag table) and handed to every lane: creates, updates, links, removals.
 */
import type { SearchAvailability } from "../aws/find.ts";
import type { RunContext } from "../context.ts";
import type { Journal } from "./journal.ts";
import type { OnConflict } from "./plan.ts";

export interface ApplyContext extends RunContext {
  /** The run's journal: every write call's intent goes there before it is sent. */
  record: Journal;
  onConflict: OnConflict;
  /** Whether SearchQuickConnects may be used to look names up. */
  search: SearchAvailability;
  /** Aborted on Ctrl-C, or when a lane stops the run: no new calls. */
  signal?: AbortSignal;
  /** --consistency-wait: how long to look for what the service did but does not list yet. */
  waitMs: number;
  onProgress?: (done: number, total: number) => void;
}
