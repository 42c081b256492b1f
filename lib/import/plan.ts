/**
 * The import plan, as a value: what happens to each item of the file and which queue
 * links are added, computed from the file and a reading of the target. It neither calls
 * AWS nor logs; a dry run prints it, apply carries it out, verify computes it again.
 */
import type { QuickConnectConfig } from "@aws-sdk/client-connect";
import { esc, type Logger } from "../log.ts";
import { changedParts, type Difference, diffQuickConnect, userTags } from "./diff.ts";
import { type ImportItem, type InvalidItem, isInvalid } from "./input.ts";
import type { Mapping } from "./mapping.ts";
import { resolveConfig, resolveQueue, unusedMappingEntries } from "./resolve.ts";
import type { TargetState } from "./target.ts";

export type OnConflict = "skip" | "update" | "fail";
export const ON_CONFLICT = ["skip", "update", "fail"] as const;

export type Part = "description" | "config" | "tags";

/** The quick connect an update changes, as it was read. */
export interface UpdateTarget {
  id: string;
  arn?: string;
  tags: Record<string, string>;
}

export type PlanEntry =
  | { kind: "create"; item: ImportItem; config: QuickConnectConfig }
  | {
    kind: "update";
    item: ImportItem;
    config: QuickConnectConfig;
    target: UpdateTarget;
    parts: Part[];
    changes: Difference[];
  }
  | { kind: "unchanged"; item: ImportItem; targetId: string }
  | { kind: "skip"; item: ImportItem; targetId: string }
  | {
    kind: "fail";
    item: ImportItem | InvalidItem;
    cause: "invalid" | "exists" | "unresolved" | "unreadable";
    reason: string;
    targetId?: string;
  };

/** One link to add: quick connect `index` (its target ID, unless it is still to be created). */
export interface LinkAdd {
  index: number;
  name: string;
  targetId?: string;
  /** The source queue, as the file names it. */
  source: string;
}

export interface QueueLinks {
  queueId: string;
  queueName: string;
  add: LinkAdd[];
}

/** A link that cannot be planned: its queue is not in the target, or its links are unreadable. */
export interface LinkProblem {
  index: number;
  name: string;
  source: string;
  queueId?: string;
  queueName?: string;
  reason: "unresolved" | "unreadable";
  error: string;
}

export interface Plan {
  entries: PlanEntry[];
  links: QueueLinks[];
  linkProblems: LinkProblem[];
  /** Links the file asks for that the target already has. */
  linksPresent: number;
  /** Dropped aws: tags, mapping entries that match nothing. */
  warnings: string[];
}

export interface PlanInput {
  items: readonly (ImportItem | InvalidItem)[];
  mapping: Mapping;
}

const EXISTS_FAIL =
  "A quick connect with this name already exists in the target (--on-conflict fail); use --on-conflict skip or update";

/** Name check first: under `skip` an existing item is skipped without resolving anything. */
function planItem(
  item: ImportItem,
  target: TargetState,
  mapping: Mapping,
  onConflict: OnConflict,
): PlanEntry {
  const ex = target.quickConnects.get(item.name);
  if (ex && onConflict === "skip") return { kind: "skip", item, targetId: ex.id };
  if (ex && onConflict === "fail") {
    return { kind: "fail", item, cause: "exists", reason: EXISTS_FAIL, targetId: ex.id };
  }
  const r = resolveConfig(item, target.directory, mapping);
  if (!r.ok) return { kind: "fail", item, cause: "unresolved", reason: r.error, targetId: ex?.id };
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
  const changes = diffQuickConnect(
    { description: item.description, config: r.value, tags: item.tags },
    have,
  );
  if (changes.length === 0) return { kind: "unchanged", item, targetId: ex.id };
  return {
    kind: "update",
    item,
    config: r.value,
    target: { id: ex.id, arn: have.QuickConnectARN ?? ex.arn, tags: userTags(have.Tags) },
    parts: changedParts(changes),
    changes,
  };
}

/** The target ID an entry's quick connect has (or will have: undefined for a create). */
function linkable(e: PlanEntry): { targetId?: string } | undefined {
  if (e.kind === "fail") return undefined;
  if (e.kind === "create") return {};
  return { targetId: e.kind === "update" ? e.target.id : e.targetId };
}

function planLinks(entries: readonly PlanEntry[], target: TargetState, mapping: Mapping) {
  const byQueue = new Map<string, QueueLinks>();
  const problems: LinkProblem[] = [];
  const seen = new Set<string>();
  let present = 0;
  for (const e of entries) {
    const at = linkable(e);
    if (!at || isInvalid(e.item)) continue;
    const item = e.item;
    for (const src of item.queues) {
      const source = src.Name ?? src.Id;
      const r = resolveQueue(target.directory, mapping, src.Id, src.Name);
      if (!r.ok) {
        problems.push({
          index: item.index,
          name: item.name,
          source,
          reason: "unresolved",
          error: r.error,
        });
        continue;
      }
      const queueId = r.value.Id ?? "";
      const queueName = r.value.Name ?? queueId;
      const readErr = target.linkErrors.get(queueId);
      if (readErr !== undefined) {
        problems.push({
          index: item.index,
          name: item.name,
          source,
          queueId,
          queueName,
          reason: "unreadable",
          error: String((readErr as Error)?.message ?? readErr),
        });
        continue;
      }
      // Two source queues may map to one target queue: one link.
      if (seen.has(`${queueId}/${item.index}`)) continue;
      seen.add(`${queueId}/${item.index}`);
      if (at.targetId && target.links.get(queueId)?.has(at.targetId)) {
        present++;
        continue;
      }
      let q = byQueue.get(queueId);
      if (!q) byQueue.set(queueId, q = { queueId, queueName, add: [] });
      q.add.push({ index: item.index, name: item.name, targetId: at.targetId, source });
    }
  }
  return { links: [...byQueue.values()], problems, present };
}

export function planImport(
  input: PlanInput,
  target: TargetState,
  opts: { onConflict: OnConflict },
): Plan {
  const valid = input.items.filter((it): it is ImportItem => !isInvalid(it));
  const entries = input.items.map((it): PlanEntry =>
    isInvalid(it)
      ? { kind: "fail", item: it, cause: "invalid", reason: it.error }
      : planItem(it, target, input.mapping, opts.onConflict)
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
  for (const entry of unusedMappingEntries(input.mapping, valid)) {
    warnings.push(`Mapping entry ${esc(entry)} matches nothing in the export file`);
  }
  const { links, problems, present } = planLinks(entries, target, input.mapping);
  return { entries, links, linkProblems: problems, linksPresent: present, warnings };
}

/** Counts of a plan's entries, by kind. */
export function planCounts(plan: Plan): Record<PlanEntry["kind"], number> {
  const c = { create: 0, update: 0, unchanged: 0, skip: 0, fail: 0 };
  for (const e of plan.entries) c[e.kind]++;
  return c;
}

/**
 * The plan's log lines: the earlier scripts' wording where they had one. Creates and
 * updates are logged when they happen, or as "[DRY RUN] Would …" lines.
 */
export function logPlan(plan: Plan, log: Logger, dryRun: boolean): void {
  for (const e of plan.entries) {
    const name = esc(e.item.name ?? "");
    switch (e.kind) {
      case "skip":
        log.warning(`Quick connect already exists: ${name}`);
        break;
      case "unchanged":
        log.info(`Quick connect unchanged: ${name} -> ${esc(e.targetId)}`);
        break;
      case "create":
        if (dryRun) log.info(`[DRY RUN] Would create quick connect: ${name}`);
        break;
      case "update":
        for (const d of e.changes) {
          log.debug(`${name}: ${esc(d.field)} ${esc(d.actual)} -> ${esc(d.expected)}`);
        }
        if (dryRun) {
          log.info(`[DRY RUN] Would update quick connect: ${name} (${e.parts.join(", ")})`);
        }
        break;
      case "fail":
        logFailure(e, log);
    }
  }
  for (const p of plan.linkProblems) {
    if (p.reason === "unresolved") {
      log.error(`Cannot link quick connect ${esc(p.name)} → ${esc(p.error)}`);
    }
  }
  const unreadable = new Map<string, string>();
  for (const p of plan.linkProblems) {
    if (p.reason === "unreadable") unreadable.set(p.queueName ?? "", p.error);
  }
  for (const [queue, error] of unreadable) {
    log.error(
      `Error associating quick connects with queue '${
        esc(queue)
      }': cannot read its quick connects (${esc(error)})`,
    );
  }
  if (dryRun) {
    for (const q of plan.links) {
      log.info(
        `[DRY RUN] Would associate ${q.add.length} quick connects with queue '${esc(q.queueName)}'`,
      );
    }
  }
}

function logFailure(e: Extract<PlanEntry, { kind: "fail" }>, log: Logger): void {
  const it = e.item;
  const name = esc(it.name ?? "");
  if (e.cause === "invalid" && isInvalid(it)) {
    if (it.missingName) {
      // The earlier scripts' wording, the item shown as compact, escaped, bounded JSON.
      let data = JSON.stringify(it.raw) ?? String(it.raw);
      if (data.length > 300) data = data.slice(0, 300) + "…";
      log.error(`Quick connect missing 'Name' field in data: ${esc(data)} (${esc(it.error)})`);
    } else {
      log.error(
        `Invalid quick connect ${esc(it.name ?? `at QuickConnects[${it.index}]`)}: ${
          esc(it.error)
        }`,
      );
    }
  } else if (e.cause === "exists") {
    log.error(`Quick connect already exists: ${name} (--on-conflict fail)`);
  } else if (e.cause === "unreadable") {
    log.error(`Error updating quick connect ${name}: ${esc(e.reason)}`);
  } else {
    log.error(`Cannot import quick connect ${name}: ${esc(e.reason)}`);
  }
}
