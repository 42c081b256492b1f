/**
 * The outcome of an import, derived from the plan and what apply did: one record per item
 * of the file, the queue-link counts, the earlier scripts' three summary numbers and the
 * `--report FILE` JSON (docs/file-formats.md "Report file").
 */
import type { Applied, LinkRecord } from "./apply.ts";
import { linkedId } from "./links.ts";
import type { Plan, PlanEntry, Snapshot } from "./plan.ts";
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
}

export interface AssociationCounts {
  Added: number;
  AlreadyPresent: number;
  Failed: number;
  /** One line per failed or unresolvable link (queue, reason). */
  Errors: string[];
  /** Links planned but not sent (an interrupted or aborted run): a re-run adds them. */
  Pending?: { Queue: string; QuickConnect: string }[];
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
}

/** What a run changed, with what was there before: `import --undo REPORT` reverses it. */
export interface UndoRecord {
  Created: { Name: string; TargetId: string; After: Snapshot }[];
  Updated: { Name: string; TargetId: string; Before: Snapshot; After: Snapshot }[];
  Deleted: {
    Name: string;
    TargetId: string;
    Before: Snapshot;
    Queues: { Id: string; Name: string }[];
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

function itemReport(e: PlanEntry, applied: Applied, ending: Ending): ItemReport {
  const base = {
    Index: e.item.index,
    Name: e.item.name ?? null,
    SourceId: e.item.sourceId ?? null,
  };
  const row = (
    Action: Action,
    TargetId: string | null = null,
    Error: string | null = null,
    Changes?: string[],
  ): ItemReport => ({ ...base, Action, TargetId, Error, ...(Changes ? { Changes } : {}) });
  const o = applied.items.get(e.item.index);
  if (o) return row(o.action, o.targetId ?? null, o.error ?? null, o.changes);
  switch (e.kind) {
    case "skip":
      return row("skipped", e.targetId);
    case "unchanged":
      return row("unchanged", e.targetId);
    case "fail":
      return row("failed", e.targetId ?? null, e.reason);
    case "create":
    case "update": {
      const id = e.kind === "update" ? e.target.id : null;
      const changes = e.kind === "update" ? e.parts : undefined;
      if (ending.kind === "dry-run") {
        return row(e.kind === "create" ? "would-create" : "would-update", id, null, changes);
      }
      const reason = ending.kind === "stopped"
        ? ending.reason
        : "Not attempted: the import ended before this item was reached";
      return row("failed", id, reason, changes);
    }
  }
}

export function itemReports(plan: Plan, applied: Applied, ending: Ending): ItemReport[] {
  return plan.entries.map((e) => itemReport(e, applied, ending));
}

/** Link counts: what apply did, what the plan found present, and what could not be planned. */
export function associations(plan: Plan, applied: Applied, ending: Ending): AssociationCounts {
  const a: AssociationCounts = {
    Added: applied.links.Added,
    AlreadyPresent: plan.linksPresent,
    Failed: applied.links.Failed,
    Errors: [...applied.links.Errors],
  };
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
  const planned = plan.links.flatMap((q) => q.add.map((l) => ({ q, l })));
  if (ending.kind === "dry-run") {
    a.Added = planned.length;
    return a;
  }
  if (ending.kind === "stopped") {
    // Links not sent for quick connects that exist now: the re-run's work, listed.
    const pending = planned.filter(({ q, l }) =>
      !applied.links.sent.has(`${q.queueId}/${l.index}`) && linkedId(l, applied) !== undefined
    );
    if (pending.length > 0) {
      a.Pending = pending.map(({ q, l }) => ({ Queue: q.queueName, QuickConnect: l.name }));
    }
  }
  return a;
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

export function deletedReports(plan: Plan, applied: Applied, ending: Ending): DeletedReport[] {
  return plan.deletes.map((d) => {
    const done = applied.removals.deleted.get(d.targetId);
    const action = ending.kind === "dry-run"
      ? "would-delete"
      : done === "deleted"
      ? "deleted"
      : "failed";
    const error = action === "failed"
      ? done ?? (ending.kind === "stopped" ? ending.reason : "Not attempted")
      : null;
    return { Name: d.name, TargetId: d.targetId, Action: action, Error: error };
  });
}

export function removalCounts(plan: Plan, applied: Applied, ending: Ending): RemovalCounts {
  const r = applied.removals;
  if (ending.kind === "dry-run") {
    return {
      LinksRemoved: plan.unlinks.reduce((n, u) => n + u.remove.length, 0) +
        plan.deletes.reduce((n, d) => n + d.queues.length, 0),
      Deleted: plan.deletes.length,
      Failed: 0,
      Errors: [],
    };
  }
  return {
    LinksRemoved: r.unlinked.length,
    Deleted: [...r.deleted.values()].filter((v) => v === "deleted").length,
    Failed: r.failed,
    Errors: [...r.errors],
  };
}

const linkUndo = (l: LinkRecord): LinkUndo => ({
  QueueId: l.queueId,
  Queue: l.queueName,
  QuickConnectId: l.targetId,
  Name: l.name,
});

/** What undo needs: every change this run made, with the before-image of each. */
export function undoRecord(plan: Plan, applied: Applied): UndoRecord {
  const rec: UndoRecord = {
    Created: [],
    Updated: [],
    Deleted: [],
    LinksAdded: applied.links.added.map(linkUndo),
    LinksRemoved: applied.removals.unlinked.map(linkUndo),
  };
  for (const e of plan.entries) {
    if (e.kind !== "create" && e.kind !== "update") continue;
    const o = applied.items.get(e.item.index);
    const after: Snapshot = {
      Description: e.item.description,
      QuickConnectConfig: e.config,
      Tags: e.item.tags,
    };
    if (o?.action === "created" && o.targetId) {
      rec.Created.push({ Name: e.item.name, TargetId: o.targetId, After: after });
    }
    if (o?.action === "updated" && o.targetId && e.kind === "update") {
      rec.Updated.push({
        Name: e.item.name,
        TargetId: o.targetId,
        Before: e.target.before,
        After: after,
      });
    }
    // An update that failed halfway changed some parts: undo restores the before-image.
    if (o?.action === "failed" && e.kind === "update" && /already updated/.test(o.error ?? "")) {
      rec.Updated.push({
        Name: e.item.name,
        TargetId: e.target.id,
        Before: e.target.before,
        After: after,
      });
    }
  }
  for (const d of plan.deletes) {
    if (applied.removals.deleted.get(d.targetId) !== "deleted") continue;
    rec.Deleted.push({
      Name: d.name,
      TargetId: d.targetId,
      Before: d.before,
      Queues: d.queues.map((q) => ({ Id: q.queueId, Name: q.queueName })),
    });
  }
  return rec;
}
