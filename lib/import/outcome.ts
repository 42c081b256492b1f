/**
 * The one record of what an import run did, written only by apply: an outcome for each plan
 * entry that needed calls, each queue-link batch and each removal, recorded when its call is
 * answered. The report, the summary, --verify's item list and the undo record are pure
 * functions of the plan and this record (report.ts); nothing else keeps a tally.
 *
 * A call that was made but never answered is told apart from one never made: a request
 * that left the process (passed the rate limiter) may have been applied, so it is
 * "uncertain"; one that never left is "not attempted". That holds even when a second Ctrl-C
 * ends the process with calls in flight: the record knows which have left.
 */
import type { Part, Snapshot } from "./plan.ts";

/** What a create or an update of one plan entry ended as, once it was settled. */
export type Settled = "created" | "updated" | "unchanged" | "skipped";

export type Outcome =
  /** Every call was answered: the quick connect is `targetId`, in the state `action` says. */
  | {
    result: "done";
    action: Settled;
    targetId: string;
    /** What an update changed. */
    parts?: Part[];
    /** An update that a create turned into (the name was taken): the state it replaced. */
    before?: Snapshot;
    /**
     * Created, but the name was taken while the create was in flight and nothing tells this
     * run's create from another run's made at that moment: not claimed for undo.
     */
    contested?: boolean;
  }
  /** Answered with an error. `done`: the parts of an update applied before it. */
  | { result: "failed"; reason: string; targetId?: string; done: Part[] }
  /**
   * A request left and its answer never came (interrupted, lost), or the service's answer
   * does not say whose the result is: it may have been applied by this run.
   */
  | { result: "uncertain"; reason: string; targetId?: string; done: Part[] }
  /** No request for it left the process. */
  | { result: "not-attempted"; reason: string };

export type Result = Outcome["result"];

/** The run created it: its create (or a lost response of it) was answered with its ID. */
export const createdByRun = (o: Outcome | undefined): boolean =>
  o?.result === "done" && o.action === "created" && !o.contested;

/** One link to add or remove, by target IDs. */
export interface Link {
  queueId: string;
  queueName: string;
  targetId: string;
  name: string;
  /** The plan item whose quick connect it links (negative for none: undo's relinks). */
  index: number;
}

/** One AssociateQueueQuickConnects or DisassociateQueueQuickConnects call, and its answer. */
export interface BatchOutcome {
  op: "link" | "unlink";
  queueId: string;
  queueName: string;
  links: Link[];
  result: Exclude<Result, "not-attempted">;
  reason?: string;
}

/** A DeleteQuickConnect (--prune, or undo of a create), by target ID. */
export interface DeleteOutcome {
  result: Result;
  reason?: string;
}

/** A call being made: whether a request for it has left the process yet. */
interface Flight {
  left: boolean;
  /** What an update had applied before this call. */
  done: Part[];
  targetId?: string;
}

export class RunRecord {
  /** By the item's index in the file (plan entries carry it). */
  readonly items = new Map<number, Outcome>();
  /** In the order their answers came. */
  readonly batches: BatchOutcome[] = [];
  readonly deletes = new Map<string, DeleteOutcome>();
  /** Batches whose request is out or waiting: the report lists their links as pending or uncertain. */
  readonly #flyingBatches = new Set<{ batch: Omit<BatchOutcome, "result">; left: boolean }>();
  readonly #flyingItems = new Map<number, Flight>();
  readonly #flyingDeletes = new Map<string, Flight>();
  #left = false;

  /** Whether any request of the run left the process (a run stopped before it changed nothing). */
  get anyLeft(): boolean {
    return this.#left;
  }

  record(index: number, outcome: Outcome): void {
    this.items.set(index, outcome);
    this.#flyingItems.delete(index);
  }

  /**
   * A call for item `index` is about to be sent; the returned function is called when a
   * request for it leaves the process (lib/aws/calls.ts onLeave). Until its outcome is
   * recorded, a stopped run reports the item uncertain if a request left, not attempted
   * otherwise.
   */
  sendingFor(index: number, done: Part[] = [], targetId?: string): () => void {
    const flight: Flight = { left: false, done: [...done], targetId };
    this.#flyingItems.set(index, flight);
    return this.#leave(flight);
  }

  /** Whether a request for item `index` has left since `sendingFor`. */
  hasLeft(index: number): boolean {
    return this.#flyingItems.get(index)?.left ?? false;
  }

  /**
   * A link batch is about to be sent: `left` is for onLeave; `answered` records its answer
   * (or, with no result, that it was never sent) and ends its flight.
   */
  sendingBatch(batch: Omit<BatchOutcome, "result">): {
    left: () => void;
    answered: (result?: BatchOutcome["result"], reason?: string) => void;
    hasLeft: () => boolean;
    /** An attempt was answered with an error it is sent again after: none is in flight. */
    attemptAnswered: () => void;
  } {
    const entry = { batch, left: false };
    this.#flyingBatches.add(entry);
    return {
      left: this.#leave(entry),
      hasLeft: () => entry.left,
      attemptAnswered: () => {
        entry.left = false;
      },
      answered: (result, reason) => {
        this.#flyingBatches.delete(entry);
        if (result) this.batches.push({ ...batch, result, ...(reason ? { reason } : {}) });
      },
    };
  }

  sendingDelete(targetId: string): () => void {
    const flight: Flight = { left: false, done: [] };
    this.#flyingDeletes.set(targetId, flight);
    return this.#leave(flight);
  }

  deleted(targetId: string, outcome: DeleteOutcome): void {
    this.deletes.set(targetId, outcome);
    this.#flyingDeletes.delete(targetId);
  }

  /**
   * An entry's outcome as far as the run got: the recorded one, or for a call still in
   * flight when the run was stopped, uncertain (a request left: `unsent` says what of it)
   * or not attempted (`stopped`).
   */
  outcomeOf(index: number, stopped: string, unanswered: string): Outcome | undefined {
    const o = this.items.get(index);
    if (o) return o;
    const f = this.#flyingItems.get(index);
    if (!f) return undefined;
    if (!f.left && f.done.length === 0) return { result: "not-attempted", reason: stopped };
    return { result: "uncertain", reason: unanswered, targetId: f.targetId, done: f.done };
  }

  /** Batches in flight when the run was stopped whose request left: they may have been applied. */
  unansweredBatches(): BatchOutcome[] {
    return [...this.#flyingBatches.values()].filter((b) => b.left).map((b) => ({
      ...b.batch,
      result: "uncertain",
      reason: "sent and not answered before the run stopped",
    }));
  }

  deleteOutcome(targetId: string, stopped: string): DeleteOutcome | undefined {
    const o = this.deletes.get(targetId);
    if (o) return o;
    const f = this.#flyingDeletes.get(targetId);
    if (!f) return undefined;
    return f.left
      ? { result: "uncertain", reason: `${stopped}; the delete was sent and not answered` }
      : { result: "not-attempted", reason: stopped };
  }

  #leave(flight: { left: boolean }): () => void {
    return () => {
      flight.left = true;
      this.#left = true;
    };
  }
}
