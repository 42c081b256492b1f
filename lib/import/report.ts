/**
 * The outcome of an import, rendered from the plan and the run's journal: one record per
 * item of the file, the queue-link counts, the earlier scripts' three summary numbers, the
 * undo record and the `--report FILE` JSON (docs/file-formats.md "Report file").
 */
import { fieldLabel } from "./diff.ts";
import type { Entry, Intent, Journal, Link, Outcome } from "./journal.ts";
import { linkedId } from "./links.ts";
import type { Part, Plan, PlanEntry, Snapshot } from "./plan.ts";
import { TOOL_NAME, VERSION } from "../version.ts";

export type Action =
  | "created"
  | "updated"
  | "unchanged"
  | "skipped"
  | "failed"
  | "would-create"
  | "would-update";

interface ItemReport {
  /** Position in the file's QuickConnects array. */
  Index: number;
  Name: string | null;
  SourceId: string | null;
  Action: Action;
  TargetId: string | null;
  Error: string | null;
  /** What an update changed, or would change: description, config, tags. */
  Changes?: string[];
  /**
   * Each field an update changes (or, in a drift check, a skipped one differs in), old → new
   * as JSON text or `(absent)`; users, queues and flows by their target name (`'Sales'`).
   */
  Fields?: { Field: string; Old: string; New: string }[];
  /**
   * What the run's record says of it: done (every call answered, or none needed), failed,
   * uncertain (a request was sent and not answered, or the answer does not say whose the
   * result is: it may have been applied), or not attempted (no request left).
   */
  Outcome: "done" | "failed" | "uncertain" | "not-attempted";
  /**
   * Which routing profiles saw it in the source and will see it in the target once the plan
   * is applied, by name, and why the target loses one; absent when not checked.
   */
  Visibility?: { Source: string[]; Target: string[]; Lost?: string[] };
}

interface AssociationCounts {
  Added: number;
  AlreadyPresent: number;
  Failed: number;
  /** One line per failed or unresolvable link (queue, reason). */
  Errors: string[];
  /** Links planned but not sent (an interrupted or aborted run): a re-run adds them. */
  Pending?: { Queue: string; QuickConnect: string }[];
  /** Links sent and never answered (the run was stopped): they may have been added. */
  Uncertain?: number;
  /**
   * Of `Added`, links without evidence that they were absent (to quick connects the run did
   * not create, with --consistency-wait above 0): they may have been there already, and undo
   * leaves them without --force.
   */
  Unconfirmed?: number;
}

export interface VerifyResult {
  Checked: number;
  Differences: { Name: string; Field: string; Expected: string; Actual: string }[];
  /** Skipped items (they existed) that differ from the file: listed, not failures. */
  Skipped?: { Name: string; Fields: string[] }[];
  /** Quick connects the target's routing profiles see otherwise than the source's did. */
  Visibility?: {
    Checked: number;
    Differences: { Name: string; Source: string[]; Target: string[] }[];
  };
}

/**
 * What a run changed, with what was there before and what it left: `import --undo REPORT`
 * reverses it where the target still holds what the run left. `Certain: false` marks what
 * may not have been this run's doing (a request never answered, a list that may have
 * lagged); absent means true, as in older reports.
 */
export interface UndoRecord {
  /**
   * `TargetId` is absent when the create was sent and never answered: undo looks it up by
   * name. `Doubt` says why one is not certain: "unanswered" (undo removes it where it holds
   * exactly what the run sent) or "taken" (the name was taken while it was in flight, maybe
   * by another run: undo leaves it unless --force).
   */
  Created: {
    Name: string;
    TargetId?: string;
    After: Snapshot;
    Certain?: boolean;
    Doubt?: "unanswered" | "taken";
  }[];
  Updated: {
    Name: string;
    TargetId: string;
    Before: Snapshot;
    After: Snapshot;
    Certain?: boolean;
    /** An update that stopped halfway: only these parts may have changed. */
    Parts?: Part[];
  }[];
  Deleted: {
    Name: string;
    TargetId: string;
    Before: Snapshot;
    Queues: { Id: string; Name: string }[];
    Certain?: boolean;
  }[];
  /** `Certain: false`: it may not have been this run's doing (absent means true). */
  LinksAdded: {
    QueueId: string;
    Queue: string;
    QuickConnectId: string;
    Name: string;
    Certain?: boolean;
  }[];
  LinksRemoved: UndoRecord["LinksAdded"];
}

export interface ImportReport {
  Tool: string;
  ToolVersion: string;
  InstanceId: string;
  Region: string;
  ExportFile: string;
  StartedAt: string;
  FinishedAt: string;
  DryRun: boolean;
  OnConflict: string;
  /** True when Ctrl-C/SIGTERM stopped the run; items not reached are failed with a reason. */
  Interrupted: boolean;
  ExitCode: number;
  /** Dry-run actions count where the real ones would: would-create as Created, and so on. */
  Summary: { Created: number; Updated: number; Unchanged: number; Skipped: number; Failed: number };
  Items: ItemReport[];
  Associations: AssociationCounts;
  /** --prune and --prune-links. */
  Deleted?: {
    Name: string;
    TargetId: string;
    Action: "deleted" | "would-delete" | "failed";
    Error: string | null;
  }[];
  /** LinksRemoved: by --prune-links, and before each delete. */
  /** Uncertain: deletes and link removals sent and not answered (they may have landed). */
  Removals?: {
    LinksRemoved: number;
    Deleted: number;
    Failed: number;
    Uncertain?: number;
    Errors: string[];
  };
  Verify?: VerifyResult;
  /** Present for runs that changed the target (not dry runs). */
  Undo?: UndoRecord;
  /** Mapping entries that matched nothing, dropped aws: tags and the like. */
  Warnings: string[];
  /** The distinct source users, queues and flows that did not resolve, and what each blocks. */
  Unresolved?: {
    Kind: string;
    SourceId: string;
    Name: string | null;
    QuickConnects: number;
    Links: number;
  }[];
}

/** Dry-run actions count where the real ones would: would-create as Created, and so on. */
export function summarize(items: readonly ItemReport[]): ImportReport["Summary"] {
  const s = { Created: 0, Updated: 0, Unchanged: 0, Skipped: 0, Failed: 0 };
  for (const it of items) s[COUNTED_AS[it.Action]]++;
  return s;
}

/** Which count an action adds to (a dry run's where the real one would). */
const COUNTED_AS = {
  created: "Created",
  "would-create": "Created",
  updated: "Updated",
  "would-update": "Updated",
  unchanged: "Unchanged",
  skipped: "Skipped",
  failed: "Failed",
} as const satisfies Record<Action, keyof ImportReport["Summary"]>;

/** The earlier scripts' `Successful` / `Failed` / `Skipped`. */
export function seedCounts(
  s: ImportReport["Summary"],
): { successful: number; failed: number; skipped: number } {
  return {
    successful: s.Created + s.Updated,
    failed: s.Failed,
    skipped: s.Skipped + s.Unchanged,
  };
}

/** How far the run got: what an item that apply never reached is reported as. */
export type Ending =
  | { kind: "done" }
  | { kind: "dry-run" }
  | { kind: "stopped"; reason: string };

const NOT_REACHED = "Not attempted: the import ended before this item was reached";

/** Why an entry has no answered outcome, as the report says it. */
function stoppedReason(ending: Ending): string {
  return ending.kind === "stopped" ? ending.reason : NOT_REACHED;
}

/** What became of a create or update entry: its journaled outcome, or why there is none. */
function outcomeOf(e: PlanEntry, record: Journal, ending: Ending): Outcome {
  const reason = stoppedReason(ending);
  const unanswered = e.kind === "create"
    ? "Interrupted while creating; it may or may not exist in the target now (its request was sent and not answered): run the same import again to settle it"
    : "Interrupted while updating (a change was sent and not answered); run the same import again to finish it";
  const halfway = "The import stopped while updating it";
  return record.fateOf(e.item.index, { notReached: reason, unanswered, halfway }) ??
    { result: "not-attempted", reason };
}

function itemReport(e: PlanEntry, record: Journal, ending: Ending): ItemReport {
  const fields = e.kind === "update" ? e.changes : e.kind === "skip" ? e.differs : undefined;
  const base = {
    Index: e.item.index,
    Name: e.item.name ?? null,
    SourceId: e.item.sourceId ?? null,
    ...(fields?.length
      ? {
        Fields: fields.map((d) => ({ Field: fieldLabel(d.field), Old: d.actual, New: d.expected })),
      }
      : {}),
  };
  const row = (
    Action: Action,
    Outcome: ItemReport["Outcome"],
    TargetId: string | null = null,
    Error: string | null = null,
    Changes?: string[],
  ): ItemReport => ({ ...base, Action, TargetId, Error, ...(Changes ? { Changes } : {}), Outcome });
  switch (e.kind) {
    case "skip":
      return row("skipped", "done", e.targetId);
    case "unchanged":
      return row("unchanged", "done", e.targetId);
    case "fail":
      return row(
        "failed",
        e.cause === "stopped" ? "not-attempted" : "failed",
        e.targetId ?? null,
        e.reason,
      );
  }
  const planned = e.kind === "update" ? e.parts : undefined;
  const id = e.kind === "update" ? e.target.id : null;
  if (ending.kind === "dry-run") {
    return row(
      e.kind === "create" ? "would-create" : "would-update",
      "not-attempted",
      id,
      null,
      planned,
    );
  }
  const o = outcomeOf(e, record, ending);
  if (o.result === "done") return row(o.action, "done", o.targetId, null, o.parts ?? planned);
  // Its name was taken while in flight: created, by this run or another.
  // Found under its name, identical, made while its create was in flight: created, by this
  // run or another. Unsettled or not found, it is uncertain like any other.
  if (o.result === "uncertain" && o.taken && o.targetId) {
    return row("created", "uncertain", o.targetId);
  }
  const target = ("targetId" in o ? o.targetId : undefined) ?? id;
  return row("failed", o.result, target, o.reason, planned);
}

export function itemReports(plan: Plan, record: Journal, ending: Ending): ItemReport[] {
  const seen = new Map(
    Array.isArray(plan.visibility) ? plan.visibility.map((v) => [v.name, v]) : [],
  );
  return plan.entries.map((e) => {
    const v = seen.get(e.item.name ?? "");
    const row = itemReport(e, record, ending);
    if (!v) return row;
    const lost = v.loss ? { Lost: v.loss.why } : {};
    return { ...row, Visibility: { Source: v.source, Target: v.target, ...lost } };
  });
}

/** What became of a write call: its answer, or none (uncertain). */
const resultOf = (record: Journal, i: Intent): Extract<Entry, { kind: "answer" }>["result"] =>
  record.answerTo(i.seq)?.result ?? "unknown";

/** The link calls of one kind, with their results. */
function linkCalls(record: Journal, op: "link" | "unlink") {
  return record.intents.filter((i) => i.op === op).map((i) => ({
    links: i.links ?? [],
    result: resultOf(record, i),
    reason: record.answerTo(i.seq)?.reason,
  }));
}

const count = (
  calls: ReturnType<typeof linkCalls>,
  result: Extract<Entry, { kind: "answer" }>["result"],
  which = (_l: Link) => true,
) => calls.filter((c) => c.result === result).reduce((n, c) => n + c.links.filter(which).length, 0);
const errorsOf = (calls: ReturnType<typeof linkCalls>) =>
  calls.flatMap((c) => c.result === "refused" && c.reason ? [c.reason] : []);

/** Link counts: what apply did, what the plan found present, and what could not be planned. */
export function associations(plan: Plan, record: Journal, ending: Ending): AssociationCounts {
  const calls = linkCalls(record, "link");
  const a: AssociationCounts = {
    Added: count(calls, "done"),
    AlreadyPresent: plan.linksPresent,
    Failed: count(calls, "refused"),
    Errors: errorsOf(calls),
  };
  problemCounts(plan, a);
  const planned = plan.links.flatMap((q) => q.add.map((l) => ({ q, l })));
  if (ending.kind === "dry-run") {
    a.Added = planned.length;
    return a;
  }
  const uncertain = count(calls, "unknown");
  if (uncertain > 0) a.Uncertain = uncertain;
  const unconfirmed = count(calls, "done", (l) => !l.own);
  if (unconfirmed > 0) a.Unconfirmed = unconfirmed;
  // Links not sent for quick connects that exist now: the re-run's work, listed.
  const sent = new Set(
    calls.filter((c) => c.result !== "unsent").flatMap((c) =>
      c.links.map((l) => `${l.queueId}/${l.index}`)
    ),
  );
  const pending = planned.filter(({ q, l }) =>
    !sent.has(`${q.queueId}/${l.index}`) && linkedId(l, record) !== undefined
  );
  if (ending.kind === "stopped" && pending.length > 0) {
    a.Pending = pending.map(({ q, l }) => ({ Queue: q.queueName, QuickConnect: l.name }));
  }
  return a;
}

/** Links that could not be planned: unresolved queues, queues whose links are unreadable. */
function problemCounts(plan: Plan, a: AssociationCounts): void {
  const unreadable = new Map<string, { error: string; count: number }>();
  for (const p of plan.linkProblems) {
    a.Failed++;
    if (p.reason === "unresolved") a.Errors.push(`${p.name} → ${p.error}`);
    else {
      const u = unreadable.get(p.queueName ?? "") ?? { error: p.error, count: 0 };
      u.count++;
      unreadable.set(p.queueName ?? "", u);
    }
  }
  for (const [queue, u] of unreadable) {
    a.Errors.push(`queue '${queue}': cannot read its quick connects (${u.error})`);
  }
}

export function newReport(
  init: Pick<ImportReport, "InstanceId" | "Region" | "ExportFile" | "DryRun" | "OnConflict">,
): ImportReport {
  const now = new Date().toISOString();
  return {
    Tool: TOOL_NAME,
    ToolVersion: VERSION,
    ...init,
    StartedAt: now,
    FinishedAt: now,
    Interrupted: false,
    ExitCode: 0,
    Summary: { Created: 0, Updated: 0, Unchanged: 0, Skipped: 0, Failed: 0 },
    Items: [],
    Associations: { Added: 0, AlreadyPresent: 0, Failed: 0, Errors: [] },
    Warnings: [],
  };
}

/** The delete calls, by target ID. */
const deleteCalls = (record: Journal) =>
  new Map(record.intents.filter((i) => i.op === "delete").map((i) => [i.targetId ?? "", i]));

export function deletedReports(
  plan: Plan,
  record: Journal,
  ending: Ending,
): NonNullable<ImportReport["Deleted"]> {
  const calls = deleteCalls(record);
  return plan.deletes.map((d) => {
    const base = { Name: d.name, TargetId: d.targetId };
    if (ending.kind === "dry-run") return { ...base, Action: "would-delete", Error: null };
    const call = calls.get(d.targetId);
    if (!call) {
      const why = ending.kind === "done"
        ? "Not attempted: its links could not be removed"
        : stoppedReason(ending);
      return { ...base, Action: "failed", Error: why };
    }
    const r = resultOf(record, call);
    if (r === "done") return { ...base, Action: "deleted", Error: null };
    const reason = record.answerTo(call.seq)?.reason ?? "sent and not answered";
    return {
      ...base,
      Action: "failed",
      Error: r === "unknown" ? `${reason}; it may have been deleted` : reason,
    };
  });
}

export function removalCounts(
  plan: Plan,
  record: Journal,
  ending: Ending,
): NonNullable<ImportReport["Removals"]> {
  if (ending.kind === "dry-run") {
    return {
      LinksRemoved: plan.unlinks.reduce((n, u) => n + u.remove.length, 0) +
        plan.deletes.reduce((n, d) => n + d.queues.length, 0),
      Deleted: plan.deletes.length,
      Failed: 0,
      Errors: [],
    };
  }
  const calls = linkCalls(record, "unlink");
  const deletes = [...deleteCalls(record).values()].map((i) => ({
    i,
    r: resultOf(record, i),
  }));
  const uncertain = count(calls, "unknown") + deletes.filter((d) => d.r === "unknown").length;
  return {
    LinksRemoved: count(calls, "done"),
    Deleted: deletes.filter((d) => d.r === "done").length,
    ...(uncertain > 0 ? { Uncertain: uncertain } : {}),
    Failed: count(calls, "refused") + deletes.filter((d) => d.r === "refused").length,
    Errors: [
      ...errorsOf(calls),
      ...deletes.flatMap((d) =>
        d.r === "refused" ? [`${d.i.name}: ${record.answerTo(d.i.seq)?.reason ?? ""}`] : []
      ),
    ],
  };
}

const linkUndo = (l: Link, certain: boolean): UndoRecord["LinksAdded"][number] => ({
  QueueId: l.queueId,
  Queue: l.queueName,
  QuickConnectId: l.targetId,
  Name: l.name,
  ...(certain ? {} : { Certain: false }),
});

/**
 * What undo needs, from the journal alone (a finished run's, or one killed midway): every
 * change the run made or may have made, with the before-image of each. An intent with no
 * answer, or an unknown one, may have landed: `Certain: false`.
 */
export function undoRecord(record: Journal): UndoRecord {
  const rec: UndoRecord = {
    Created: [],
    Updated: [],
    Deleted: [],
    LinksAdded: [],
    LinksRemoved: [],
  };
  for (const i of record.intents) {
    const r = resultOf(record, i);
    if (r === "refused" || r === "unsent") continue;
    const certain = r === "done";
    if (i.op === "link") {
      rec.LinksAdded.push(...(i.links ?? []).map((l) => linkUndo(l, certain && l.own === true)));
    }
    if (i.op === "unlink") {
      rec.LinksRemoved.push(...(i.links ?? []).map((l) => linkUndo(l, certain)));
    }
    if (i.op === "delete" && i.before) {
      rec.Deleted.push({
        Name: i.name,
        TargetId: i.targetId ?? "",
        Before: i.before,
        Queues: (i.queues ?? []).map((q) => ({ Id: q.queueId, Name: q.queueName })),
        ...(certain ? {} : { Certain: false }),
      });
    }
  }
  const items = new Set(record.intents.flatMap((i) => i.item === undefined ? [] : [i.item]));
  for (const item of items) itemUndo(record, item, rec);
  return rec;
}

/** The undo entries of one item: its create, or the parts of its update, by what the journal says. */
function itemUndo(record: Journal, item: number, rec: UndoRecord): void {
  const o = record.items.get(item);
  const creates = record.intentsOf(item).filter((i) => i.op === "create");
  // An update call answered with an error that applies nothing, or never sent, changed nothing.
  const updates = record.intentsOf(item).filter((i) =>
    i.op !== "create" && i.before && i.after &&
    !["refused", "unsent"].includes(resultOf(record, i))
  );
  const answered = creates.map((i) => record.answerTo(i.seq)).find((a) => a?.result === "done");
  const create = creates[0];
  if (create?.after && updates.length === 0) {
    const Name = create.name;
    // Unsettled (the run stopped while settling it): what its answers say.
    const f = o ?? record.fateOf(item, { notReached: "", unanswered: "", halfway: "" });
    if ((o?.result === "done" && o.action === "created") || (!o && answered)) {
      const TargetId = o?.result === "done" ? o.targetId : answered?.targetId;
      rec.Created.push({ Name, TargetId, After: create.after });
    } else if (f?.result === "uncertain") {
      rec.Created.push({
        Name,
        ...(f.targetId ? { TargetId: f.targetId } : {}),
        After: create.after,
        Certain: false,
        Doubt: f.taken ? "taken" : "unanswered",
      });
    }
  }
  const first = updates[0];
  if (!first?.before || !first.after) return;
  const whole = o?.result === "done" && o.action === "updated";
  const parts = [...new Set(updates.flatMap((i) => i.part ? [i.part] : []))];
  const sure = updates.every((i) => resultOf(record, i) === "done");
  rec.Updated.push({
    Name: first.name,
    TargetId: first.targetId ?? "",
    Before: first.before,
    After: first.after,
    ...(whole ? {} : { Parts: parts }),
    ...(whole || sure ? {} : { Certain: false }),
  });
}
