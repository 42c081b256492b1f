/**
 * The import plan, as a value: what happens to each item of the file and which queue
 * links are added, computed from the file and a reading of the target. It neither calls
 * AWS nor logs (what the import says is in summary.ts); a dry run prints it, apply carries
 * it out, verify computes it again.
 */
import type { QuickConnect, QuickConnectConfig } from "@aws-sdk/client-connect";
import type { ListedQuickConnect } from "../aws/reads.ts";
import { esc } from "../log.ts";
import { nameKey } from "../names.ts";
import { changedParts, type Difference, diffQuickConnect, userTags } from "./diff.ts";
import { type ImportItem, type InvalidItem, isInvalid } from "./input.ts";
import { lookAlikeWarnings } from "./look_alikes.ts";
import type { Mapping, Unresolved } from "./mapping.ts";
import {
  type Directory,
  type MissingRef,
  resolveConfig,
  resolveQueue,
  unusedMappingEntries,
} from "./resolve.ts";
import type { TargetState } from "./target.ts";
import { type ItemVisibility, visibility } from "../visibility.ts";

export type OnConflict = "skip" | "update" | "fail";
export const ON_CONFLICT = ["skip", "update", "fail"] as const;

export type Part = "description" | "config" | "tags";

/** A quick connect's content as it stands: what undo restores and compares. */
export interface Snapshot {
  Description: string;
  QuickConnectConfig: QuickConnectConfig;
  /** User tags only (aws: tags are the service's). */
  Tags: Record<string, string>;
}

export function snapshotOf(qc: QuickConnect): Snapshot {
  return {
    Description: qc.Description ?? "",
    QuickConnectConfig: qc.QuickConnectConfig ?? { QuickConnectType: undefined },
    Tags: userTags(qc.Tags),
  };
}

/** What a create or an update makes the quick connect hold. */
export const afterOf = (e: { item: ImportItem; config: QuickConnectConfig }): Snapshot => ({
  Description: e.item.description,
  QuickConnectConfig: e.config,
  Tags: e.item.tags,
});

export type PlanEntry =
  | { kind: "create"; item: ImportItem; config: QuickConnectConfig }
  | {
    kind: "update";
    item: ImportItem;
    config: QuickConnectConfig;
    /** The quick connect it changes, as it was read. */
    target: { id: string; arn?: string; tags: Record<string, string>; before: Snapshot };
    parts: Part[];
    changes: Difference[];
  }
  | { kind: "unchanged"; item: ImportItem; targetId: string }
  | {
    kind: "skip";
    item: ImportItem;
    targetId: string;
    /** A drift check under `skip`: how the existing one differs from the file (none: same). */
    differs?: Difference[];
    /** A drift check under `skip` that could not compare it: why. */
    uncompared?: string;
  }
  | {
    kind: "fail";
    item: ImportItem | InvalidItem;
    /**
     * "changed": undo leaves it, as the target no longer holds what the run left.
     * "stopped": the run stopped before it could plan (nothing was attempted).
     */
    cause: "invalid" | "exists" | "unresolved" | "unreadable" | "changed" | "stopped";
    reason: string;
    targetId?: string;
    /** The source references that did not resolve (cause "unresolved"). */
    missing?: MissingRef[];
  };

export interface Plan {
  entries: PlanEntry[];
  /**
   * --prune (or undo of a create): quick connects to delete, unlinked first from `queues`
   * (undo puts the links back).
   */
  deletes: {
    why: "prune" | "undo";
    targetId: string;
    name: string;
    before: Snapshot;
    queues: { queueId: string; queueName: string }[];
  }[];
  /** --prune-links: links to remove, by queue. */
  unlinks: {
    queueId: string;
    queueName: string;
    remove: { targetId: string; name: string }[];
  }[];
  /**
   * Links to add, by queue: quick connect `index` (its target ID, unless it is still to be
   * created), `source` the queue as the file names it.
   */
  links: {
    queueId: string;
    queueName: string;
    add: { index: number; name: string; targetId?: string; source: string }[];
  }[];
  /**
   * Links that cannot be planned: their queue is not in the target ("unresolved"), or its
   * links are unreadable; `source`/`sourceId` the queue as the file names it.
   */
  linkProblems: {
    index: number;
    name: string;
    source: string;
    sourceId?: string;
    queueId?: string;
    queueName?: string;
    reason: "unresolved" | "unreadable";
    error: string;
  }[];
  /** Links the file asks for that the target already has. */
  linksPresent: number;
  /** Dropped aws: tags, mapping entries that match nothing. */
  warnings: string[];
  /** Who will see each quick connect, where the file says who saw it in the source. */
  visibility?: ItemVisibility[] | { denied: string };
}

const EXISTS_FAIL =
  "A quick connect with this name already exists in the target (--on-conflict fail); use --on-conflict skip or update";

/** Name check first: under `skip` an existing item is skipped without resolving anything. */
function planItem(
  item: ImportItem,
  target: TargetState,
  mapping: Mapping,
  onConflict: OnConflict,
  compare = false,
): PlanEntry {
  const ex = target.quickConnects.get(item.name);
  if (ex && onConflict === "skip") return skipEntry(item, ex, target, mapping, compare);
  if (ex && onConflict === "fail") {
    return { kind: "fail", item, cause: "exists", reason: EXISTS_FAIL, targetId: ex.id };
  }
  const r = resolveConfig(item, target.directory, mapping);
  if (!r.ok) {
    return {
      kind: "fail",
      item,
      cause: "unresolved",
      reason: r.error,
      targetId: ex?.id,
      ...(r.missing ? { missing: r.missing } : {}),
    };
  }
  if (!ex) return { kind: "create", item, config: r.value };
  const have = ex.detail;
  if (!have) {
    const why = target.unreadable.get(ex.id) ?? "it was not read";
    return {
      kind: "fail",
      item,
      cause: "unreadable",
      targetId: ex.id,
      reason:
        `Cannot read the existing quick connect ${ex.id} to compare it: ${why}; run the same import again to update it`,
    };
  }
  return compareEntry(item, r.value, { id: ex.id, arn: ex.arn, have }, target.directory);
}

/**
 * The entry that makes the existing quick connect `at.have` hold `item` with `config`:
 * unchanged when it does already, else an update of the parts that differ.
 */
export function compareEntry(
  item: ImportItem,
  config: QuickConnectConfig,
  at: { id: string; arn?: string; have: QuickConnect },
  names?: Directory,
): Extract<PlanEntry, { kind: "unchanged" | "update" }> {
  const { have } = at;
  const changes = diffQuickConnect(
    { description: item.description, config, tags: item.tags },
    have,
    (id) => names?.nameOf(id),
  );
  if (changes.length === 0) return { kind: "unchanged", item, targetId: at.id };
  return {
    kind: "update",
    item,
    config,
    target: {
      id: at.id,
      arn: have.QuickConnectARN ?? at.arn,
      tags: userTags(have.Tags),
      before: snapshotOf(have),
    },
    parts: changedParts(changes),
    changes,
  };
}

/**
 * A skipped item, compared with the existing quick connect when a drift check asks for it
 * (the target read whole): `skip` changes nothing, yet the check must not call a differing
 * quick connect in sync, nor one it could not compare.
 */
function skipEntry(
  item: ImportItem,
  ex: ListedQuickConnect,
  target: TargetState,
  mapping: Mapping,
  compare: boolean,
): PlanEntry {
  const entry = { kind: "skip" as const, item, targetId: ex.id };
  if (!compare) return entry;
  if (!ex.detail) {
    return { ...entry, uncompared: target.unreadable.get(ex.id) ?? "it was not read" };
  }
  const r = resolveConfig(item, target.directory, mapping);
  if (!r.ok) return { ...entry, uncompared: r.error };
  const differs = diffQuickConnect(
    { description: item.description, config: r.value, tags: item.tags },
    ex.detail,
    (id) => target.directory.nameOf(id),
  );
  return { ...entry, differs };
}

/** The target ID an entry's quick connect has (or will have: undefined for a create). */
function linkable(e: PlanEntry): { targetId?: string } | undefined {
  if (e.kind === "fail") return undefined;
  if (e.kind === "create") return {};
  return { targetId: e.kind === "update" ? e.target.id : e.targetId };
}

/** Where one of an item's source queues is in the target, or why it cannot be linked. */
function linkTarget(
  item: ImportItem,
  src: ImportItem["queues"][number],
  target: TargetState,
  mapping: Mapping,
): { queueId: string; queueName: string } | Plan["linkProblems"][number] {
  const base = { index: item.index, name: item.name, source: src.Name ?? src.Id };
  const r = resolveQueue(target.directory, mapping, src.Id, src.Name);
  if (!r.ok) return { ...base, reason: "unresolved", error: r.error };
  const queueId = r.value.Id ?? "";
  const queueName = r.value.Name ?? queueId;
  const readErr = target.linkErrors.get(queueId);
  if (readErr === undefined) return { queueId, queueName };
  return {
    ...base,
    queueId,
    queueName,
    reason: "unreadable",
    error: String((readErr as Error)?.message ?? readErr),
  };
}

function planLinks(
  entries: readonly PlanEntry[],
  target: TargetState,
  mapping: Mapping,
) {
  const byQueue = new Map<string, Plan["links"][number]>();
  const problems: Plan["linkProblems"][number][] = [];
  const seen = new Set<string>();
  let present = 0;
  for (const e of entries) {
    const at = linkable(e);
    if (!at || isInvalid(e.item)) continue;
    const item = e.item;
    for (const src of item.queues) {
      const where = linkTarget(item, src, target, mapping);
      if ("reason" in where) {
        problems.push(where);
        continue;
      }
      const { queueId, queueName } = where;
      // Two source queues may map to one target queue: one link.
      if (seen.has(`${queueId}/${item.index}`)) continue;
      seen.add(`${queueId}/${item.index}`);
      if (at.targetId && target.links.get(queueId)?.has(at.targetId)) {
        present++;
        continue;
      }
      let q = byQueue.get(queueId);
      if (!q) byQueue.set(queueId, q = { queueId, queueName, add: [] });
      q.add.push({
        index: item.index,
        name: item.name,
        targetId: at.targetId,
        source: src.Name ?? src.Id,
      });
    }
  }
  return { links: [...byQueue.values()], problems, present };
}

interface PlanOptions {
  onConflict: OnConflict;
  /** Delete the target's quick connects that the export does not have. */
  prune?: boolean;
  /** Remove links, on the export's queues, that the source queue does not have. */
  pruneLinks?: boolean;
  /** Which of the target's quick connects pruning may touch (the filters); default all. */
  inScope?: (qc: ListedQuickConnect) => boolean;
  /** A drift check: compare what `skip` leaves (the target must be read whole and resolved). */
  compareSkipped?: boolean;
  /** The instance's quota of quick connects (--quick-connect-quota): a plan past it is warned of. */
  quota?: number;
}

/**
 * The plan for the file's `items` with `mapping`; `failedNames`, the names the export could
 * not read (FailedQuickConnects), are in the source, so never pruned.
 */
export function planImport(
  input: {
    items: readonly (ImportItem | InvalidItem)[];
    mapping: Mapping;
    failedNames?: readonly string[];
  },
  target: TargetState,
  opts: PlanOptions,
): Plan {
  const valid = input.items.filter((it): it is ImportItem => !isInvalid(it));
  const entries = input.items.map((it): PlanEntry =>
    isInvalid(it)
      ? { kind: "fail", item: it, cause: "invalid", reason: it.error }
      : planItem(it, target, input.mapping, opts.onConflict, opts.compareSkipped)
  );
  const warnings: string[] = [];
  for (const it of valid) {
    if (it.droppedTags.length === 0) continue;
    warnings.push(
      `Dropping aws: tags of quick connect ${esc(it.name)} (reserved, cannot be set): ${
        it.droppedTags.map(esc).join(", ")
      }`,
    );
  }
  warnings.push(...lookAlikeWarnings(valid, target.quickConnects));
  for (const entry of unusedMappingEntries(input.mapping, valid)) {
    warnings.push(`Mapping entry ${esc(entry)} matches nothing in the export file`);
  }
  const { links, problems, present } = planLinks(entries, target, input.mapping);
  const deletes = opts.prune ? planDeletes(input, target, opts, warnings) : [];
  const creates = entries.filter((e) => e.kind === "create").length;
  const after = target.quickConnects.size + creates - deletes.length;
  if (opts.quota !== undefined && creates > 0 && after > opts.quota) {
    warnings.push(
      `This plan leaves ${after} quick connects in the target (${target.quickConnects.size} there, ${creates} to create${
        deletes.length > 0 ? `, ${deletes.length} to delete` : ""
      }), more than its quota of ${opts.quota} ("Quick connects per instance", L-68BBE2E8): the creates past it would fail. Ask for a higher quota in Service Quotas first, or pass --quick-connect-quota N if it is raised already`,
    );
  }
  const unlinks = opts.pruneLinks ? planUnlinks(entries, target, input.mapping, opts, deletes) : [];
  return {
    entries,
    deletes,
    unlinks,
    links,
    linkProblems: problems,
    linksPresent: present,
    warnings,
    ...(target.routingProfiles && { visibility: planVisibility(entries, target, links, unlinks) }),
  };
}

/**
 * Once the links are added and removed, who sees each quick connect the file says who saw it
 * in the source, and is in the target. The links it has already count on the queues read
 * (those the file names), not on others (docs/file-formats.md "Report file").
 */
export function planVisibility(
  entries: readonly PlanEntry[],
  target: TargetState,
  adds: readonly Plan["links"][number][] = [],
  removes: readonly Plan["unlinks"][number][] = [],
): Plan["visibility"] {
  const profiles = target.routingProfiles;
  if (!Array.isArray(profiles)) return profiles;
  const source = new Map<string, NonNullable<ImportItem["seenBy"]>>();
  const nameOf = new Map<string, string>();
  for (const e of entries) {
    const id = e.kind === "update" ? e.target.id : e.kind === "create" ? "" : e.targetId;
    if (isInvalid(e.item) || !e.item.seenBy || id === undefined) continue;
    source.set(e.item.name, e.item.seenBy);
    if (id) nameOf.set(id, e.item.name);
  }
  const linked = new Map<string, Set<string>>();
  const link = (queueId: string, name = "") => {
    if (name) linked.set(queueId, (linked.get(queueId) ?? new Set()).add(name));
  };
  for (const [queueId, ids] of target.links) for (const id of ids) link(queueId, nameOf.get(id));
  for (const q of adds) for (const a of q.add) link(q.queueId, a.name);
  for (const u of removes) {
    for (const r of u.remove) linked.get(u.queueId)?.delete(nameOf.get(r.targetId) ?? "");
  }
  return visibility(source, profiles, linked);
}

function queueNames(target: TargetState): Map<string, string> {
  return new Map(target.directory.queues.map((q) => [q.Id ?? "", q.Name ?? q.Id ?? ""]));
}

/** Target quick connects the file does not name (valid or not), within the filters. */
function planDeletes(
  input: Parameters<typeof planImport>[0],
  target: TargetState,
  opts: PlanOptions,
  warnings: string[],
): Plan["deletes"][number][] {
  // One the file names in another Unicode spelling is not missing from it (lib/names.ts).
  const named = new Set(
    input.items.flatMap((it) => it.name !== undefined ? [nameKey(it.name)] : []),
  );
  for (const name of input.failedNames ?? []) named.add(nameKey(name));
  const names = queueNames(target);
  const out: Plan["deletes"][number][] = [];
  for (const qc of target.quickConnects.values()) {
    if (named.has(nameKey(qc.name)) || !(opts.inScope?.(qc) ?? true)) continue;
    if (!qc.detail) {
      // Without its content there would be nothing to restore it from: left alone.
      warnings.push(
        `Not deleting quick connect ${esc(qc.name)}: it could not be read (${
          esc(target.unreadable.get(qc.id) ?? "not read")
        }), so undo could not restore it`,
      );
      continue;
    }
    const queues = [...target.links].filter(([, ids]) => ids.has(qc.id))
      .map(([queueId]) => ({ queueId, queueName: names.get(queueId) ?? queueId }));
    out.push({
      why: "prune",
      targetId: qc.id,
      name: qc.name,
      before: snapshotOf(qc.detail),
      queues,
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * On each target queue the file's items are linked to, the links the source queue does
 * not have: the file's quick connects that it does not list there, and any other quick
 * connect within the filters. Quick connects being deleted are unlinked with their delete.
 */
function planUnlinks(
  entries: readonly PlanEntry[],
  target: TargetState,
  mapping: Mapping,
  opts: PlanOptions,
  deletes: readonly Plan["deletes"][number][],
): Plan["unlinks"][number][] {
  const wanted = new Map<string, Set<string>>();
  const fileNames = new Set<string>();
  for (const e of entries) {
    if (isInvalid(e.item)) continue;
    fileNames.add(nameKey(e.item.name));
    const at = linkable(e);
    for (const src of e.item.queues) {
      const r = resolveQueue(target.directory, mapping, src.Id, src.Name);
      if (!r.ok || !r.value.Id) continue;
      const set = wanted.get(r.value.Id) ?? new Set<string>();
      if (at?.targetId) set.add(at.targetId);
      wanted.set(r.value.Id, set);
    }
  }
  const byId = new Map([...target.quickConnects.values()].map((qc) => [qc.id, qc]));
  const deleting = new Set(deletes.map((d) => d.targetId));
  const names = queueNames(target);
  const out: Plan["unlinks"][number][] = [];
  for (const [queueId, keep] of wanted) {
    const remove: Plan["unlinks"][number]["remove"] = [];
    for (const id of target.links.get(queueId) ?? []) {
      const qc = byId.get(id);
      // Not listed (yet): nothing is known of it, so it is not touched.
      if (!qc || keep.has(id) || deleting.has(id)) continue;
      if (!fileNames.has(nameKey(qc.name)) && !(opts.inScope?.(qc) ?? true)) continue;
      remove.push({ targetId: id, name: qc.name });
    }
    if (remove.length > 0) {
      remove.sort((a, b) => a.name.localeCompare(b.name));
      out.push({ queueId, queueName: names.get(queueId) ?? queueId, remove });
    }
  }
  return out;
}

/** Whether applying the plan would change the target (for --detailed-exitcode). */
export function hasChanges(plan: Plan): boolean {
  return plan.entries.some((e) => e.kind === "create" || e.kind === "update") ||
    plan.deletes.length > 0 || plan.unlinks.length > 0 || plan.links.some((q) => q.add.length > 0);
}

/** The distinct unresolved users, queues and flows, most blocking first. */
export function unresolved(plan: Plan): Unresolved[] {
  const out = new Map<string, Unresolved>();
  const at = (kind: MissingRef["kind"], id: string, name?: string) => {
    const key = `${kind}\u0000${id}`;
    let u = out.get(key);
    if (!u) out.set(key, u = { kind, id, name, quickConnects: 0, links: 0 });
    u.name ??= name;
    return u;
  };
  for (const e of plan.entries) {
    if (e.kind !== "fail" || !e.missing) continue;
    for (const m of new Map(e.missing.map((m) => [`${m.kind}/${m.id}`, m])).values()) {
      at(m.kind, m.id, m.name).quickConnects++;
    }
  }
  for (const p of plan.linkProblems) {
    if (p.reason === "unresolved") at("queue", p.sourceId ?? p.source, p.source).links++;
  }
  return [...out.values()].sort((a, b) =>
    b.quickConnects + b.links - (a.quickConnects + a.links) || a.id.localeCompare(b.id)
  );
}
