/**
 * The outcome of an import, derived from the plan and what apply did: one record per item
 * of the file, the queue-link counts, the earlier scripts' three summary numbers and the
 * `--report FILE` JSON (docs/file-formats.md "Report file").
 */
import { linkedId } from "./links.ts";
import {
  type BatchOutcome,
  createdByRun,
  type Link,
  type Outcome,
  type RunRecord,
} from "./outcome.ts";
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

export interface ItemReport {
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
   * What the run's record says of it: done (every call answered, or none needed), failed,
   * uncertain (a request was sent and not answered, or the answer does not say whose the
   * result is: it may have been applied), or not attempted (no request left).
   */
  Outcome: "done" | "failed" | "uncertain" | "not-attempted";
}

export interface AssociationCounts {
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
   * Of `Added`, links to quick connects this run did not create that changed shortly before
   * the target was read: the queue's list may have lagged, so they may have been there
   * already (undo leaves them without --force).
   */
  Unconfirmed?: number;
}

export interface VerifyResult {
  Checked: number;
  Differences: { Name: string; Field: string; Expected: string; Actual: string }[];
  /** Skipped items (they existed) that differ from the file: listed, not failures. */
  Skipped?: { Name: string; Fields: string[] }[];
}

export interface Summary {
  Created: number;
  Updated: number;
  Unchanged: number;
  Skipped: number;
  Failed: number;
}

/** A quick connect the run deleted (--prune), or would delete. */
export interface DeletedReport {
  Name: string;
  TargetId: string;
  Action: "deleted" | "would-delete" | "failed";
  Error: string | null;
}

export interface RemovalCounts {
  /** Links removed (--prune-links, and before each delete). */
  LinksRemoved: number;
  Deleted: number;
  Failed: number;
  Errors: string[];
}

export interface LinkUndo {
  QueueId: string;
  Queue: string;
  QuickConnectId: string;
  Name: string;
  /** False: it may not have been this run's doing (absent means true, as in older reports). */
  Certain?: boolean;
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
  LinksAdded: LinkUndo[];
  LinksRemoved: LinkUndo[];
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
  Summary: Summary;
  Items: ItemReport[];
  Associations: AssociationCounts;
  /** --prune and --prune-links. */
  Deleted?: DeletedReport[];
  Removals?: RemovalCounts;
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
export function summarize(items: readonly ItemReport[]): Summary {
  const s: Summary = { Created: 0, Updated: 0, Unchanged: 0, Skipped: 0, Failed: 0 };
  for (const it of items) {
    switch (it.Action) {
      case "created":
      case "would-create":
        s.Created++;
        break;
      case "updated":
      case "would-update":
        s.Updated++;
        break;
      case "unchanged":
        s.Unchanged++;
        break;
      case "skipped":
        s.Skipped++;
        break;
      case "failed":
        s.Failed++;
    }
  }
  return s;
}

/** The earlier scripts' `Successful` / `Failed` / `Skipped`. */
export function seedCounts(s: Summary): { successful: number; failed: number; skipped: number } {
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

/** What became of a create or update entry: its recorded outcome, or why there is none. */
export function outcomeOf(e: PlanEntry, record: RunRecord, ending: Ending): Outcome {
  const reason = stoppedReason(ending);
  const unanswered = e.kind === "create"
    ? "Interrupted while creating; it may or may not exist in the target now (its request was sent and not answered): run the same import again to settle it"
    : "Interrupted while updating (a change was sent and not answered); run the same import again to finish it";
  return record.outcomeOf(e.item.index, reason, unanswered) ?? { result: "not-attempted", reason };
}

function itemReport(e: PlanEntry, record: RunRecord, ending: Ending): ItemReport {
  const base = {
    Index: e.item.index,
    Name: e.item.name ?? null,
    SourceId: e.item.sourceId ?? null,
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
  if (o.result === "done") {
    const outcome = o.contested ? "uncertain" : "done";
    return row(o.action, outcome, o.targetId, null, o.parts ?? planned);
  }
  const target = ("targetId" in o ? o.targetId : undefined) ?? id;
  return row("failed", o.result, target, o.reason, planned);
}

export function itemReports(plan: Plan, record: RunRecord, ending: Ending): ItemReport[] {
  return plan.entries.map((e) => itemReport(e, record, ending));
}

/** Of the link batches, the answered ones and, for a stopped run, those sent and never answered. */
function linkBatches(record: RunRecord, op: BatchOutcome["op"]): BatchOutcome[] {
  return [...record.batches, ...record.unansweredBatches()].filter((b) => b.op === op);
}

const count = (bs: BatchOutcome[], result: BatchOutcome["result"]) =>
  bs.filter((b) => b.result === result).reduce((n, b) => n + b.links.length, 0);

/** Link counts: what apply did, what the plan found present, and what could not be planned. */
export function associations(plan: Plan, record: RunRecord, ending: Ending): AssociationCounts {
  const batches = linkBatches(record, "link");
  const a: AssociationCounts = {
    Added: count(batches, "done"),
    AlreadyPresent: plan.linksPresent,
    Failed: count(batches, "failed"),
    Errors: batches.flatMap((b) => b.result === "failed" && b.reason ? [b.reason] : []),
  };
  problemCounts(plan, a);
  const planned = plan.links.flatMap((q) => q.add.map((l) => ({ q, l })));
  if (ending.kind === "dry-run") {
    a.Added = planned.length;
    return a;
  }
  const uncertain = count(batches, "uncertain");
  if (uncertain > 0) a.Uncertain = uncertain;
  const unconfirmed = unconfirmedLinks(plan, record).size;
  if (unconfirmed > 0) a.Unconfirmed = unconfirmed;
  // Links not sent for quick connects that exist now: the re-run's work, listed.
  const sent = new Set(batches.flatMap((b) => b.links.map((l) => `${l.queueId}/${l.index}`)));
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

/**
 * The links the run added that it cannot be sure were absent before: to a quick connect it
 * did not create, whose last change was recent when the target was read (the queue's list
 * may have lagged), or that it learned of only while applying (a create found the name
 * taken). Keys `queueId/targetId`.
 */
function unconfirmedLinks(plan: Plan, record: RunRecord): Set<string> {
  const recent = new Set(
    plan.links.flatMap((q) => q.add.filter((l) => l.recent).map((l) => `${q.queueId}/${l.index}`)),
  );
  const planned = new Set(plan.entries.filter((e) => e.kind === "create").map((e) => e.item.index));
  const out = new Set<string>();
  for (const b of record.batches) {
    if (b.op !== "link" || b.result !== "done") continue;
    for (const l of b.links) {
      if (createdByRun(record.items.get(l.index))) continue;
      if (recent.has(`${l.queueId}/${l.index}`) || planned.has(l.index)) {
        out.add(`${l.queueId}/${l.targetId}`);
      }
    }
  }
  return out;
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

export function deletedReports(plan: Plan, record: RunRecord, ending: Ending): DeletedReport[] {
  return plan.deletes.map((d) => {
    const base = { Name: d.name, TargetId: d.targetId };
    if (ending.kind === "dry-run") return { ...base, Action: "would-delete", Error: null };
    const o = record.deleteOutcome(d.targetId, stoppedReason(ending)) ??
      { result: "not-attempted", reason: stoppedReason(ending) };
    return o.result === "done"
      ? { ...base, Action: "deleted", Error: null }
      : { ...base, Action: "failed", Error: o.reason ?? "Not attempted" };
  });
}

export function removalCounts(plan: Plan, record: RunRecord, ending: Ending): RemovalCounts {
  if (ending.kind === "dry-run") {
    return {
      LinksRemoved: plan.unlinks.reduce((n, u) => n + u.remove.length, 0) +
        plan.deletes.reduce((n, d) => n + d.queues.length, 0),
      Deleted: plan.deletes.length,
      Failed: 0,
      Errors: [],
    };
  }
  const batches = linkBatches(record, "unlink");
  const deletes = [...record.deletes.values()];
  return {
    LinksRemoved: count(batches, "done"),
    Deleted: deletes.filter((d) => d.result === "done").length,
    Failed: count(batches, "failed") + deletes.filter((d) => d.result === "failed").length,
    Errors: [
      ...batches.flatMap((b) => b.result === "failed" && b.reason ? [b.reason] : []),
      ...plan.deletes.flatMap((d) => {
        const o = record.deletes.get(d.targetId);
        return o?.result === "failed" ? [`${d.name}: ${o.reason}`] : [];
      }),
    ],
  };
}

const linkUndo = (l: Link, certain: boolean): LinkUndo => ({
  QueueId: l.queueId,
  Queue: l.queueName,
  QuickConnectId: l.targetId,
  Name: l.name,
  ...(certain ? {} : { Certain: false }),
});

const afterOf = (e: Extract<PlanEntry, { kind: "create" | "update" }>): Snapshot => ({
  Description: e.item.description,
  QuickConnectConfig: e.config,
  Tags: e.item.tags,
});

/** What undo needs: every change this run made, with the before-image of each. */
export function undoRecord(plan: Plan, record: RunRecord, ending: Ending): UndoRecord {
  const unconfirmed = unconfirmedLinks(plan, record);
  const links = (op: BatchOutcome["op"]) =>
    linkBatches(record, op).filter((b) => b.result !== "failed").flatMap((b) =>
      b.links.map((l) =>
        linkUndo(l, b.result === "done" && !unconfirmed.has(`${l.queueId}/${l.targetId}`))
      )
    );
  const rec: UndoRecord = {
    Created: [],
    Updated: [],
    Deleted: [],
    LinksAdded: links("link"),
    LinksRemoved: links("unlink"),
  };
  for (const e of plan.entries) {
    if (e.kind === "create" || e.kind === "update") {
      changeUndo(e, outcomeOf(e, record, ending), rec);
    }
  }
  for (const d of plan.deletes) {
    const o = record.deleteOutcome(d.targetId, stoppedReason(ending));
    if (o?.result !== "done" && o?.result !== "uncertain") continue;
    rec.Deleted.push({
      Name: d.name,
      TargetId: d.targetId,
      Before: d.before,
      Queues: d.queues.map((q) => ({ Id: q.queueId, Name: q.queueName })),
      ...(o.result === "done" ? {} : { Certain: false }),
    });
  }
  return rec;
}

/** The undo entry of one create or update, from its outcome. */
function changeUndo(
  e: Extract<PlanEntry, { kind: "create" | "update" }>,
  o: Outcome,
  rec: UndoRecord,
): void {
  const After = afterOf(e);
  const Name = e.item.name;
  if (o.result === "done" && o.action === "created") {
    rec.Created.push({ Name, TargetId: o.targetId, After });
  } else if (o.result === "uncertain" && e.kind === "create") {
    rec.Created.push({
      Name,
      ...(o.targetId ? { TargetId: o.targetId } : {}),
      After,
      Certain: false,
    });
  } else if (o.result === "done" && o.action === "updated") {
    const Before = o.before ?? (e.kind === "update" ? e.target.before : undefined);
    if (Before) rec.Updated.push({ Name, TargetId: o.targetId, Before, After });
  } else if ((o.result === "failed" || o.result === "uncertain") && e.kind === "update") {
    // Halfway: the parts answered, and for an unanswered call, the rest may have changed too.
    const parts = o.result === "uncertain" ? e.parts : o.done;
    if (parts.length === 0) return;
    rec.Updated.push({
      Name,
      TargetId: e.target.id,
      Before: e.target.before,
      After,
      Parts: parts,
      ...(o.result === "uncertain" ? { Certain: false } : {}),
    });
  }
}
