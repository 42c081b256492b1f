/**
 * `import --undo REPORT.json`: the plan that reverses a run, from the before-images its
 * report recorded and the target as it is now. Quick connects the run created are deleted
 * only if nobody changed them since; updated ones get their before-image back; deleted ones
 * are created again, with their links; links the run added are removed, links it removed
 * are put back. The plan is applied, or shown with --dry-run, like any other.
 */
import { z } from "zod";
import type { ListedQuickConnect } from "../aws/reads.ts";
import { parseJson, readJsonText } from "../json_file.ts";
import { UsageError } from "../errors.ts";
import { esc, plural, someOf } from "../log.ts";
import { schemaError } from "../schema_error.ts";
import { changedParts, diffQuickConnect } from "./diff.ts";
import { kindOf, wrongKind } from "./file_kind.ts";
import type { ImportItem } from "./input.ts";
import { compareEntry, type Plan, type PlanEntry, type Snapshot, snapshotOf } from "./plan.ts";
import { type Entry, EntrySchema, Journal, PartSchema, SnapshotSchema } from "./journal.ts";
import { type UndoRecord, undoRecord } from "./report.ts";
import type { TargetState } from "./target.ts";

export interface UndoSource {
  InstanceId: string;
  Region: string;
  StartedAt: string;
  Undo: UndoRecord;
}

const Link = z.object({
  QueueId: z.string(),
  Queue: z.string(),
  QuickConnectId: z.string(),
  Name: z.string(),
  Certain: z.boolean().optional(),
});
const UndoReport = z.object({
  InstanceId: z.string(),
  Region: z.string(),
  StartedAt: z.string(),
  DryRun: z.literal(false, { error: "is a dry run's report: a dry run changed nothing" }),
  Undo: z.object({
    Created: z.array(z.object({
      Name: z.string(),
      TargetId: z.string().optional(),
      After: SnapshotSchema,
      Certain: z.boolean().optional(),
      Doubt: z.enum(["unanswered", "taken"]).optional(),
    })),
    Updated: z.array(
      z.object({
        Name: z.string(),
        TargetId: z.string(),
        Before: SnapshotSchema,
        After: SnapshotSchema,
        Certain: z.boolean().optional(),
        Parts: z.array(PartSchema).optional(),
      }),
    ),
    Deleted: z.array(z.object({
      Name: z.string(),
      TargetId: z.string(),
      Before: SnapshotSchema,
      Queues: z.array(z.object({ Id: z.string(), Name: z.string() })),
      Certain: z.boolean().optional(),
    })),
    LinksAdded: z.array(Link),
    LinksRemoved: z.array(Link),
  }, { error: "missing: only a report of a run that changed the target can be undone" }),
}).loose() satisfies z.ZodType<UndoSource>;

/**
 * The journal of a run that never finished (killed, crashed, disk full): its lines, the last
 * one possibly cut short by the crash (left out).
 */
function readJournal(text: string, shown: string): UndoSource {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const entries: Entry[] = [];
  for (const [n, line] of lines.entries()) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (n === lines.length - 1) break;
      throw new UsageError(`Cannot undo with "${shown}": line ${n + 1} of the journal is not JSON`);
    }
    const r = EntrySchema.safeParse(value);
    if (!r.success) {
      throw schemaError(`Cannot undo with "${shown}" (line ${n + 1})`, r.error.issues);
    }
    entries.push(r.data);
  }
  const journal = Journal.of(entries);
  const { instanceId: InstanceId, region: Region } = journal.header;
  return { InstanceId, Region, StartedAt: entries[0]!.at, Undo: undoRecord(journal) };
}

/**
 * Reads the record of the run to undo, its report or its journal: any problem is a
 * UsageError (exit 2) before any call.
 */
export async function loadUndoReport(path: string, shown: string): Promise<UndoSource> {
  const text = await readJsonText(path, "report", shown);
  if (/^\s*\{"kind":"run","seq":0,/.test(text)) return readJournal(text, shown);
  const raw = parseJson(text, "report", shown);
  const kind = kindOf(raw);
  if (kind !== undefined && kind !== "report") throw wrongKind(kind, "report", shown);
  const r = UndoReport.safeParse(raw);
  if (!r.success) throw schemaError(`Cannot undo with "${shown}"`, r.error.issues);
  return r.data;
}

/** What a snapshot holds, as the plan machinery and the diff name it. */
const desired = (snap: Snapshot) => ({
  description: snap.Description,
  config: snap.QuickConnectConfig,
  tags: snap.Tags,
});

/** An item for the plan machinery, standing for a quick connect undo creates or restores. */
function itemFor(index: number, name: string, snap: Snapshot): ImportItem {
  return { index, name, ...desired(snap), droppedTags: [], references: {}, queues: [] };
}

/**
 * The fields in which the target's quick connect `have` differs from `want` (name,
 * description, config, tags); [] when it still holds exactly that.
 */
function changedFields(name: string, want: Snapshot, have: ListedQuickConnect): string[] {
  if (!have.detail) return ["unreadable"];
  const fields: string[] = changedParts(diffQuickConnect(desired(want), have.detail));
  return have.name === name ? fields : ["name", ...fields];
}

/** What the undo plan is built into, section by section. */
interface UndoPlan {
  byId: Map<string, ListedQuickConnect>;
  target: TargetState;
  /** --force: undo also what changed since, or may not have been the run's. */
  force: boolean;
  warnings: string[];
  entries: PlanEntry[];
  deletes: Plan["deletes"][number][];
  links: Map<string, Plan["links"][number]>;
  unlinks: Map<string, Plan["unlinks"][number]>;
}

/**
 * Reverses what the run did, where the target still holds what the run left there (every
 * field); what changed since is left, named with what changed, and fails the undo (exit 1)
 * unless `force`. What may not have been the run's doing (`Certain: false`) is undone only
 * where it provably matches what the run sent, or with `force`.
 */
export function planUndo(source: UndoSource, target: TargetState, opts: { force: boolean }): Plan {
  const u = source.Undo;
  const p: UndoPlan = {
    byId: new Map([...target.quickConnects.values()].map((qc) => [qc.id, qc])),
    target,
    force: opts.force,
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
  const { entries, deletes, warnings } = p;
  const [unlinks, links] = [[...p.unlinks.values()], [...p.links.values()]];
  return { entries, deletes, unlinks, links, linkProblems: [], linksPresent: 0, warnings };
}

/** An item the undo leaves: changed since the run. It fails the undo, unless forced. */
function leave(p: UndoPlan, name: string, targetId: string, why: string, snap: Snapshot): void {
  const item = itemFor(p.entries.length, name, snap);
  p.entries.push({ kind: "fail", item, cause: "changed", targetId, reason: `Not undone: ${why}` });
}

/** Created by the run: deleted, unlinked first, if it still holds what the run created. */
function deleteCreated(p: UndoPlan, created: UndoRecord["Created"]): void {
  for (const c of created) {
    const certain = c.Certain !== false;
    // Sent and never answered: the run does not know its ID; it is found by name.
    const now = c.TargetId ? p.byId.get(c.TargetId) : p.target.quickConnects.get(c.Name);
    const name = esc(now?.name ?? c.Name);
    if (!now) {
      p.warnings.push(
        certain
          ? `Undo: ${name} (${c.TargetId}), created by the run, is gone already`
          : `Undo: ${name}, which the run may have created, does not exist: nothing to delete`,
      );
      continue;
    }
    if (c.Doubt === "taken" && !p.force) {
      p.warnings.push(
        `Undo: leaving ${name} (${now.id}): its name was taken while the run's create was in flight, so another run may have made it (--force deletes it)`,
      );
      continue;
    }
    const changed = changedFields(c.Name, c.After, now).join(", ");
    if (changed && !p.force) {
      const what = certain ? "created by the run" : "which the run may have created";
      leave(p, now.name, now.id, `${what}, it was changed since (${changed})${FORCE}`, c.After);
      continue;
    }
    if (changed) {
      p.warnings.push(
        `Undo: deleting ${name} (${now.id}) although it was changed since the run (${changed}): --force`,
      );
    } else if (!certain) {
      p.warnings.push(
        `Undo: deleting ${name} (${now.id}): the run may have created it, and it holds exactly what the run sent`,
      );
    }
    p.deletes.push(deleteOf(p, now));
  }
}

const FORCE = "; --force undoes it anyway";

function deleteOf(p: UndoPlan, now: ListedQuickConnect): Plan["deletes"][number] {
  const queueName = new Map(p.target.directory.queues.map((q) => [q.Id ?? "", q.Name ?? ""]));
  const queues = [...p.target.links].filter(([, ids]) => ids.has(now.id))
    .map(([queueId]) => ({ queueId, queueName: queueName.get(queueId) ?? queueId }));
  return { why: "undo", targetId: now.id, name: now.name, before: snapshotOf(now.detail!), queues };
}

/**
 * What a field of an update left: the After value, or for a part the run may not have
 * changed (it stopped halfway), the Before value too.
 */
function updateChanges(up: UndoRecord["Updated"][number], now: ListedQuickConnect): string[] {
  if (!up.Parts && up.Certain !== false) return changedFields(up.Name, up.After, now);
  if (!now.detail) return ["unreadable"];
  // Field by field: an untag may have landed and its tag not (both are the "tags" part).
  const vsBefore = new Set(diffQuickConnect(desired(up.Before), now.detail).map((d) => d.field));
  const both = diffQuickConnect(desired(up.After), now.detail).filter((d) => vsBefore.has(d.field));
  const parts: string[] = changedParts(both);
  return now.name === up.Name ? parts : ["name", ...parts];
}

/** Updated by the run: its before-image back, if it still holds what the run left. */
function restoreUpdated(p: UndoPlan, updated: UndoRecord["Updated"]): void {
  for (const up of updated) {
    const now = p.byId.get(up.TargetId);
    if (!now?.detail) {
      leave(p, up.Name, up.TargetId, `it is gone or unreadable${FORCE}`, up.Before);
      continue;
    }
    const item = itemFor(p.entries.length, now.name, up.Before);
    // Restored already (an undo run before): nothing to do.
    if (changedFields(up.Name, up.Before, now).length === 0) {
      p.entries.push({ kind: "unchanged", item, targetId: now.id });
      continue;
    }
    const changed = updateChanges(up, now).join(", ");
    if (changed && !p.force) {
      const why = `it was changed since the run updated it (${changed})${FORCE}`;
      leave(p, now.name, now.id, why, up.Before);
      continue;
    }
    if (changed) {
      p.warnings.push(
        `Undo: restoring ${esc(now.name)} although it was changed since (${changed}): --force`,
      );
    }
    const at = { id: now.id, arn: now.arn, have: now.detail };
    p.entries.push(compareEntry(item, item.config, at, p.target.directory));
  }
}

/** Deleted by the run (--prune): created again, with its links, if its name is free. */
function recreateDeleted(p: UndoPlan, deleted: UndoRecord["Deleted"]): void {
  for (const d of deleted) {
    const taken = p.target.quickConnects.get(d.Name);
    if (d.Certain === false && p.byId.has(d.TargetId)) {
      p.warnings.push(`Undo: ${esc(d.Name)} was not deleted after all: nothing to restore`);
    } else if (taken) {
      const why = `it cannot be created again: that name is taken in the target (${taken.name})`;
      leave(p, d.Name, taken.id, why, d.Before);
    } else {
      const item = itemFor(p.entries.length, d.Name, d.Before);
      p.entries.push({ kind: "create", item, config: item.config });
      for (const q of d.Queues) {
        const ql = p.links.get(q.Id) ?? { queueId: q.Id, queueName: q.Name, add: [] };
        ql.add.push({ index: item.index, name: d.Name, source: q.Name });
        p.links.set(q.Id, ql);
      }
    }
  }
}

/**
 * Links the run added come off (unless their quick connect is deleted anyway); removed ones
 * go back. One that may have been there before the run (`Certain: false`) is left, unless
 * forced: a link has nothing to prove it was the run's.
 */
function reverseLinks(
  p: UndoPlan,
  added: UndoRecord["LinksAdded"],
  removed: UndoRecord["LinksRemoved"],
): void {
  const deleting = new Set(p.deletes.map((d) => d.targetId));
  // A quick connect left as changed since (not forced) keeps its links: agents still see it.
  const kept = new Set(
    p.entries.flatMap((e) => e.kind === "fail" && e.targetId ? [e.targetId] : []),
  );
  const linked = (l: UndoRecord["LinksAdded"][number]) =>
    p.target.links.get(l.QueueId)?.has(l.QuickConnectId);
  const unsure: string[] = [];
  /** Whether to reverse `l`: what may not have been the run's is left, unless forced. */
  const sure = (l: UndoRecord["LinksAdded"][number], shown: string): boolean => {
    if (l.Certain !== false || p.force) return true;
    unsure.push(shown);
    return false;
  };
  for (const l of added) {
    if (
      deleting.has(l.QuickConnectId) || kept.has(l.QuickConnectId) || !linked(l) ||
      !sure(l, `${l.Name} on '${l.Queue}'`)
    ) {
      continue;
    }
    const q = p.unlinks.get(l.QueueId) ?? { queueId: l.QueueId, queueName: l.Queue, remove: [] };
    q.remove.push({ targetId: l.QuickConnectId, name: l.Name });
    p.unlinks.set(l.QueueId, q);
  }
  // Links to existing quick connects belong to no item of this plan: indices below zero.
  let linkIndex = -1;
  for (const l of removed) {
    if (!p.byId.has(l.QuickConnectId) || linked(l) || !sure(l, `${l.Name} off '${l.Queue}'`)) {
      continue;
    }
    const q = p.links.get(l.QueueId) ?? { queueId: l.QueueId, queueName: l.Queue, add: [] };
    q.add.push({ index: linkIndex--, name: l.Name, targetId: l.QuickConnectId, source: l.Queue });
    p.links.set(l.QueueId, q);
  }
  if (unsure.length === 0) return;
  const links = plural(unsure.length, "link");
  const listed = someOf(unsure.map(esc), 10);
  p.warnings.push(
    `Undo: leaving ${links} that may have been there before the run (the queue's list may have lagged when it ran; --force reverses them too): ${listed}`,
  );
}
