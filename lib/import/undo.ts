/**
 * `import --undo REPORT.json`: the plan that reverses a run, from the before-images its
 * report recorded and the target as it is now. Quick connects the run created are deleted
 * only if nobody changed them since; updated ones get their before-image back; deleted ones
 * are created again, with their links; links the run added are removed, links it removed
 * are put back. The plan is applied, or shown with --dry-run, like any other.
 */
import type { QuickConnectConfig } from "@aws-sdk/client-connect";
import { z } from "zod";
import type { ListedQuickConnect } from "../aws/reads.ts";
import { readJson } from "../json_file.ts";
import { esc } from "../log.ts";
import { schemaError } from "../schema_error.ts";
import { changedParts, diffQuickConnect, userTags } from "./diff.ts";
import { kindOf, wrongKind } from "./file_kind.ts";
import type { ImportItem } from "./input.ts";
import {
  type DeleteEntry,
  type Plan,
  type PlanEntry,
  type QueueLinks,
  type QueueUnlinks,
  type Snapshot,
  snapshotOf,
} from "./plan.ts";
import type { UndoRecord } from "./report.ts";
import type { TargetState } from "./target.ts";

export interface UndoSource {
  InstanceId: string;
  Region: string;
  StartedAt: string;
  Undo: UndoRecord;
}

const Snap = z.object({
  Description: z.string(),
  QuickConnectConfig: z.custom<QuickConnectConfig>(
    (v) =>
      typeof v === "object" && v !== null && !Array.isArray(v) &&
      typeof (v as { QuickConnectType?: unknown }).QuickConnectType === "string",
    { error: "must be an object with a QuickConnectType" },
  ),
  Tags: z.record(z.string(), z.string()),
}) satisfies z.ZodType<Snapshot>;
const Link = z.object({
  QueueId: z.string(),
  Queue: z.string(),
  QuickConnectId: z.string(),
  Name: z.string(),
});
const UndoReport = z.object({
  InstanceId: z.string(),
  Region: z.string(),
  StartedAt: z.string(),
  DryRun: z.literal(false, { error: "is a dry run's report: a dry run changed nothing" }),
  Undo: z.object({
    Created: z.array(z.object({ Name: z.string(), TargetId: z.string(), After: Snap })),
    Updated: z.array(
      z.object({ Name: z.string(), TargetId: z.string(), Before: Snap, After: Snap }),
    ),
    Deleted: z.array(z.object({
      Name: z.string(),
      TargetId: z.string(),
      Before: Snap,
      Queues: z.array(z.object({ Id: z.string(), Name: z.string() })),
    })),
    LinksAdded: z.array(Link),
    LinksRemoved: z.array(Link),
  }, { error: "missing: only a report of a run that changed the target can be undone" }),
}).loose() satisfies z.ZodType<UndoSource>;

/** Reads the report of the run to undo: any problem is a UsageError (exit 2) before any call. */
export async function loadUndoReport(path: string, shown: string): Promise<UndoSource> {
  const raw = await readJson(path, "report", shown);
  const kind = kindOf(raw);
  if (kind !== undefined && kind !== "report") throw wrongKind(kind, "report", shown);
  const r = UndoReport.safeParse(raw);
  if (!r.success) throw schemaError(`Cannot undo with "${shown}"`, r.error.issues);
  return r.data;
}

/** An item for the plan machinery, standing for a quick connect undo creates or restores. */
function itemFor(index: number, name: string, snap: Snapshot): ImportItem {
  return {
    index,
    name,
    description: snap.Description,
    config: snap.QuickConnectConfig,
    tags: snap.Tags,
    droppedTags: [],
    references: {},
    queues: [],
  };
}

const same = (want: Snapshot, have: ListedQuickConnect) =>
  have.detail !== undefined && diffQuickConnect({
      description: want.Description,
      config: want.QuickConnectConfig,
      tags: want.Tags,
    }, have.detail).length === 0;

/** What the undo plan is built into, section by section. */
interface UndoPlan {
  byId: Map<string, ListedQuickConnect>;
  target: TargetState;
  warnings: string[];
  entries: PlanEntry[];
  deletes: DeleteEntry[];
  links: Map<string, QueueLinks>;
  unlinks: Map<string, QueueUnlinks>;
}

export function planUndo(source: UndoSource, target: TargetState): Plan {
  const u = source.Undo;
  const p: UndoPlan = {
    byId: new Map([...target.quickConnects.values()].map((qc) => [qc.id, qc])),
    target,
    warnings: [],
    entries: [],
    deletes: [],
    links: new Map(),
    unlinks: new Map(),
  };
  deleteCreated(p, u.Created);
  restoreUpdated(p, u.Updated);
  recreateDeleted(p, u.Deleted);
  reverseLinks(p, u.LinksAdded, u.LinksRemoved);
  return {
    entries: p.entries,
    deletes: p.deletes,
    unlinks: [...p.unlinks.values()],
    links: [...p.links.values()],
    linkProblems: [],
    linksPresent: 0,
    warnings: p.warnings,
  };
}

/** Created by the run: deleted, unlinked first, unless somebody changed it since. */
function deleteCreated(p: UndoPlan, created: UndoRecord["Created"]): void {
  const queueName = new Map(p.target.directory.queues.map((q) => [q.Id ?? "", q.Name ?? ""]));
  for (const c of created) {
    const now = p.byId.get(c.TargetId);
    if (!now) {
      p.warnings.push(`Undo: ${esc(c.Name)} (${c.TargetId}), created by the run, is gone already`);
    } else if (!same(c.After, now)) {
      p.warnings.push(
        `Undo: not deleting ${
          esc(c.Name)
        } (${c.TargetId}): it was changed since the run created it`,
      );
    } else {
      const queues = [...p.target.links].filter(([, ids]) => ids.has(c.TargetId))
        .map(([queueId]) => ({ queueId, queueName: queueName.get(queueId) ?? queueId }));
      p.deletes.push({
        why: "undo",
        targetId: c.TargetId,
        name: now.name,
        before: snapshotOf(now.detail!),
        queues,
      });
    }
  }
}

/** Updated by the run: its before-image back. */
function restoreUpdated(p: UndoPlan, updated: UndoRecord["Updated"]): void {
  for (const up of updated) {
    const now = p.byId.get(up.TargetId);
    if (!now?.detail) {
      p.warnings.push(
        `Undo: cannot restore ${esc(up.Name)} (${up.TargetId}): it is gone or unreadable`,
      );
      continue;
    }
    const item = itemFor(p.entries.length, now.name, up.Before);
    const changes = diffQuickConnect(
      { description: item.description, config: item.config, tags: item.tags },
      now.detail,
    );
    if (changes.length === 0) {
      p.entries.push({ kind: "unchanged", item, targetId: now.id });
      continue;
    }
    p.entries.push({
      kind: "update",
      item,
      config: item.config,
      target: {
        id: now.id,
        arn: now.detail.QuickConnectARN ?? now.arn,
        tags: userTags(now.detail.Tags),
        before: snapshotOf(now.detail),
      },
      parts: changedParts(changes),
      changes,
    });
  }
}

/** Deleted by the run (--prune): created again, with its links. */
function recreateDeleted(p: UndoPlan, deleted: UndoRecord["Deleted"]): void {
  for (const d of deleted) {
    if (p.target.quickConnects.has(d.Name)) {
      p.warnings.push(`Undo: cannot create ${esc(d.Name)} again: that name is taken in the target`);
      continue;
    }
    const item = itemFor(p.entries.length, d.Name, d.Before);
    p.entries.push({ kind: "create", item, config: item.config });
    for (const q of d.Queues) {
      const ql = p.links.get(q.Id) ?? { queueId: q.Id, queueName: q.Name, add: [] };
      ql.add.push({ index: item.index, name: d.Name, source: q.Name });
      p.links.set(q.Id, ql);
    }
  }
}

/** Links the run added come off (unless their quick connect is deleted anyway); removed ones go back. */
function reverseLinks(
  p: UndoPlan,
  added: UndoRecord["LinksAdded"],
  removed: UndoRecord["LinksRemoved"],
): void {
  const deleting = new Set(p.deletes.map((d) => d.targetId));
  for (const l of added) {
    if (deleting.has(l.QuickConnectId) || !p.target.links.get(l.QueueId)?.has(l.QuickConnectId)) {
      continue;
    }
    const q = p.unlinks.get(l.QueueId) ?? { queueId: l.QueueId, queueName: l.Queue, remove: [] };
    q.remove.push({ targetId: l.QuickConnectId, name: l.Name });
    p.unlinks.set(l.QueueId, q);
  }
  // Links to existing quick connects belong to no item of this plan: indices below zero.
  let linkIndex = -1;
  for (const l of removed) {
    if (!p.byId.has(l.QuickConnectId) || p.target.links.get(l.QueueId)?.has(l.QuickConnectId)) {
      continue;
    }
    const q = p.links.get(l.QueueId) ?? { queueId: l.QueueId, queueName: l.Queue, add: [] };
    q.add.push({ index: linkIndex--, name: l.Name, targetId: l.QuickConnectId, source: l.Queue });
    p.links.set(l.QueueId, q);
  }
}
