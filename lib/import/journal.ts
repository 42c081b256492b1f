/**
 * The run's journal: the one record of what an import did, written ahead of every change
 * (docs/file-formats.md "Run journal"). Before each write call the run appends its intent,
 * with the before-image undo needs, and makes the line durable (fdatasync); only then is the
 * call sent. After the answer it appends the answer, and once an item is settled, its
 * outcome. The report, the summary and undo are made from these entries alone, so a run
 * that is killed, or whose disk fills, leaves a record `--undo` can read.
 *
 * An intent with no answer may have landed (uncertain); an item with no intent was not
 * attempted. No request-left tracking is needed beyond that.
 */
import type { QuickConnectConfig } from "@aws-sdk/client-connect";
import { z } from "zod";
import { UsageError } from "../errors.ts";
import type { Part, Snapshot } from "./plan.ts";

/** A quick connect's content (plan.ts Snapshot), as a report or journal holds it. */
export const SnapshotSchema = z.object({
  Description: z.string(),
  QuickConnectConfig: z.custom<QuickConnectConfig>(
    (v) =>
      typeof v === "object" && v !== null && !Array.isArray(v) &&
      typeof (v as { QuickConnectType?: unknown }).QuickConnectType === "string",
    { error: "must be an object with a QuickConnectType" },
  ),
  Tags: z.record(z.string(), z.string()),
}) satisfies z.ZodType<Snapshot>;

export const PartSchema = z.enum(["description", "config", "tags"]) satisfies z.ZodType<Part>;

/** What became of a create or an update entry, once settled. */
export type Outcome =
  /** The quick connect is `targetId`, in the state `action` says. */
  | {
    result: "done";
    action: "created" | "updated" | "unchanged" | "skipped";
    targetId: string;
    parts?: Part[];
  }
  /** Answered with an error. `done`: the parts of an update applied before it. */
  | { result: "failed"; reason: string; targetId?: string; done: Part[] }
  /**
   * It may have been applied by this run: a request was never answered, or the answer does
   * not say whose the result is (`taken`: the name was taken while the create was in flight).
   */
  | { result: "uncertain"; reason: string; targetId?: string; done: Part[]; taken?: boolean }
  | { result: "not-attempted"; reason: string };

const at = { seq: z.number(), at: z.string() };

/**
 * A line of the journal, the one shape for writing and reading it (undo.ts reads it back):
 * the run header first; then intents, the service's answers (done; refused: answered with an
 * error that applies nothing; unsent: it never reached the service; unknown: no answer that
 * says, so it may have been applied — as is an intent with no answer line at all) and the
 * items' outcomes once settled.
 */
export const EntrySchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("run"),
    seq: z.literal(0),
    at: z.string(),
    journal: z.literal(1),
    tool: z.string(),
    version: z.string(),
    instanceId: z.string(),
    region: z.string(),
    source: z.string(),
  }),
  z.object({
    kind: z.literal("intent"),
    ...at,
    /** Create, Update* (description, config), Tag, Untag, Associate, Disassociate, Delete. */
    op: z.enum(["create", "update", "tag", "untag", "link", "unlink", "delete"]),
    /** The quick connect's name (for a link call, the queue's). */
    name: z.string(),
    /** The plan item (creates and updates). */
    item: z.number().optional(),
    targetId: z.string().optional(),
    /** The part an update call changes. */
    part: PartSchema.optional(),
    /** What the quick connect held before (updates, deletes): what undo restores. */
    before: SnapshotSchema.optional(),
    /** What the run makes it hold (creates, updates). */
    after: SnapshotSchema.optional(),
    /**
     * A link call's links; `index`: the plan item (negative for none: undo's relinks); `own`:
     * evidence the link was absent when the call landed (its quick connect is one this run
     * created, or the queue's list was read with --consistency-wait 0).
     */
    links: z.array(z.object({
      queueId: z.string(),
      queueName: z.string(),
      targetId: z.string(),
      name: z.string(),
      index: z.number(),
      own: z.boolean().optional(),
    })).optional(),
    /** A delete: the queues it was linked to (undo links it again). */
    queues: z.array(z.object({ queueId: z.string(), queueName: z.string() })).optional(),
  }),
  z.object({
    kind: z.literal("answer"),
    ...at,
    of: z.number(),
    /** taken: a create answered "name taken"; `landed`: one of its attempts may have made it. */
    result: z.enum(["done", "refused", "unsent", "unknown", "taken"]),
    landed: z.boolean().optional(),
    targetId: z.string().optional(),
    reason: z.string().optional(),
  }),
  z.object({
    kind: z.literal("outcome"),
    ...at,
    item: z.number(),
    outcome: z.custom<Outcome>((v) =>
      typeof v === "object" && v !== null &&
      typeof (v as { result?: unknown }).result === "string"
    ),
  }),
]);

export type Entry = z.infer<typeof EntrySchema>;
export type Intent = Extract<Entry, { kind: "intent" }>;
/** One link an Associate or Disassociate call carries. */
export type Link = NonNullable<Intent["links"]>[number];

export class Journal {
  readonly intents: Intent[] = [];
  /** Settled outcomes, by plan item. */
  readonly items = new Map<number, Outcome>();
  readonly #answers = new Map<number, Extract<Entry, { kind: "answer" }>>();
  readonly #byItem = new Map<number, Intent[]>();
  #seq = 0;
  /** Why an answer or outcome line could not be written: the next intent fails with it. */
  #broken: unknown;

  constructor(
    readonly header: Omit<Extract<Entry, { kind: "run" }>, "kind" | "seq" | "at" | "journal">,
    /** Where the lines go (record_file.ts): `durable`, only once on disk. Throws if it cannot. */
    readonly sink?: { append(lines: string, durable: boolean): void },
  ) {}

  /** Reads a journal back (undo of a run that never finished). */
  static of(entries: Entry[]): Journal {
    const head = entries[0]?.kind === "run" ? entries[0] : undefined;
    if (!head) throw new UsageError("not a run journal: its first line is not a run header");
    const j = new Journal(head);
    for (const e of entries) j.#add(e);
    return j;
  }

  /** Records what is about to be sent; resolves once it is durable. Throws if it cannot be. */
  intend(draft: Omit<Intent, "kind" | "seq" | "at">): number {
    if (this.#broken !== undefined) throw this.#broken;
    const e: Intent = { kind: "intent", seq: ++this.#seq, at: new Date().toISOString(), ...draft };
    this.#write(e, true);
    return e.seq;
  }

  answer(
    of: number,
    a: Omit<Extract<Entry, { kind: "answer" }>, "kind" | "seq" | "at" | "of">,
  ): void {
    this.#write(
      { kind: "answer", seq: ++this.#seq, at: new Date().toISOString(), of, ...a },
      false,
    );
  }

  settle(item: number, outcome: Outcome): void {
    const e: Entry = {
      kind: "outcome",
      seq: ++this.#seq,
      at: new Date().toISOString(),
      item,
      outcome,
    };
    this.#write(e, false);
  }

  /** The answer to intent `seq`; undefined while (or because) none came. */
  answerTo(seq: number): Extract<Entry, { kind: "answer" }> | undefined {
    return this.#answers.get(seq);
  }

  intentsOf(item: number): readonly Intent[] {
    return this.#byItem.get(item) ?? [];
  }

  /** The file starts with the first intent: a run that sent nothing leaves none. */
  #write(e: Exclude<Entry, { kind: "run" }>, durable: boolean): void {
    if (this.sink && (this.intents.length > 0 || e.kind === "intent")) {
      const head = this.intents.length === 0
        ? JSON.stringify({ kind: "run", seq: 0, at: e.at, journal: 1, ...this.header }) + "\n"
        : "";
      try {
        this.sink.append(head + JSON.stringify(e) + "\n", durable);
      } catch (err) {
        // An intent not on disk is not sent. An answer lost leaves its intent open
        // (uncertain), the safe side: the run stops at its next intent.
        if (durable) throw err;
        this.#broken = err;
      }
    }
    this.#add(e);
  }

  #add(e: Entry): void {
    this.#seq = Math.max(this.#seq, e.seq);
    if (e.kind === "intent") {
      this.intents.push(e);
      if (e.item !== undefined) {
        const list = this.#byItem.get(e.item) ?? [];
        list.push(e);
        this.#byItem.set(e.item, list);
      }
    } else if (e.kind === "answer") this.#answers.set(e.of, e);
    else if (e.kind === "outcome") this.items.set(e.item, e.outcome);
  }

  /**
   * An item's fate: its settled outcome, or from its intents (a run stopped or killed while
   * it was in flight): uncertain where one may have landed (`taken`: only a name taken by
   * someone, no attempt of its own that may have landed), else failed halfway, else not
   * attempted. `why`: the reasons the report gives for each.
   */
  fateOf(
    item: number,
    why: { notReached: string; unanswered: string; halfway: string },
  ): Outcome | undefined {
    const settled = this.items.get(item);
    if (settled) return settled;
    const intents = this.intentsOf(item);
    if (intents.length === 0) return undefined;
    const done: Part[] = [];
    let open = false;
    let taken = false;
    for (const i of intents) {
      const a = this.answerTo(i.seq);
      if (a?.result === "done" && i.part && !done.includes(i.part)) done.push(i.part);
      if (a?.result === "taken" && !a.landed) taken = true;
      else if (!a || a.result === "unknown" || a.result === "taken") open = true;
    }
    const targetId = intents.find((i) => i.targetId)?.targetId;
    if (open || taken) {
      return {
        result: "uncertain",
        reason: why.unanswered,
        targetId,
        done,
        ...(open ? {} : { taken }),
      };
    }
    if (done.length > 0) {
      return {
        result: "failed",
        reason: `${why.halfway} (already updated: ${done.join(", ")})`,
        targetId,
        done,
      };
    }
    return { result: "not-attempted", reason: why.notReached };
  }
}
