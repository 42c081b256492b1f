/**
 * What a saved plan's `Plan` must be, checked as strictly as an export file's items (the
 * same name, phone number, ID, tag and type rules: input.ts), each entry's kind with its
 * members, and links that point at the plan's own entries. The schemas are typed against
 * plan.ts, so a change of the plan's shape fails type checking here instead of drifting.
 */
import type { QuickConnectConfig } from "@aws-sdk/client-connect";
import { z } from "zod";
import { nameKey } from "../names.ts";
import { isReservedTag, LIMITS } from "../quick_connect.ts";
import { formatPath, type Problem } from "../schema_error.ts";
import {
  checkConfig,
  checkTags,
  ConfigSchema,
  id,
  type ImportItem,
  type InvalidItem,
  QueueRef,
  RefSchema,
  text,
} from "./input.ts";
import type {
  DeleteEntry,
  LinkAdd,
  LinkProblem,
  Plan,
  PlanEntry,
  QueueLinks,
  QueueUnlinks,
  Snapshot,
  UpdateTarget,
} from "./plan.ts";

const OBJECT = {
  error: (iss: { code: string }) => iss.code === "invalid_type" ? "must be an object" : undefined,
};

const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

function report(ctx: z.RefinementCtx, problems: readonly Problem[]): void {
  for (const p of problems) ctx.addIssue({ code: "custom", path: [...p.path], message: p.message });
}

/** A config as sent: a known type with its member, each field checked as in an export item. */
const Config = z.custom<QuickConnectConfig>(isObject, { error: "must be an object" })
  .superRefine((c, ctx) => {
    const r = ConfigSchema.safeParse(c);
    report(ctx, r.success ? checkConfig(r.data).problems : r.error.issues);
  });

const Tags = z.record(z.string(), z.string({ error: "tag values must be strings" }), OBJECT)
  .superRefine((t, ctx) => report(ctx, checkTags(t)));

const Index = z.number({ error: "must be a number" }).int({ error: "must be a whole number" });

const Item = z.strictObject({
  index: Index.nonnegative({ error: "must not be negative" }),
  name: text("name", 1, LIMITS.nameMax),
  sourceId: z.string().optional(),
  description: text("description", 0, LIMITS.descriptionMax),
  config: Config,
  tags: Tags,
  droppedTags: z.array(z.string().refine(isReservedTag, { error: "only aws: tags are dropped" })),
  references: RefSchema,
  queues: z.array(QueueRef),
}, OBJECT) satisfies z.ZodType<ImportItem>;

/** An item of the export that failed validation, as the plan recorded it. */
const Invalid = z.strictObject({
  index: Index.nonnegative({ error: "must not be negative" }),
  name: z.string().optional(),
  sourceId: z.string().optional(),
  error: z.string(),
  missingName: z.boolean(),
  raw: z.unknown(),
}, OBJECT) satisfies z.ZodType<InvalidItem>;

/** A quick connect as the target had it: read, not written, so only its shape is checked. */
const Snap = z.strictObject({
  Description: z.string(),
  QuickConnectConfig: z.custom<QuickConnectConfig>(isObject, { error: "must be an object" }),
  Tags: z.record(z.string(), z.string()),
}, OBJECT) satisfies z.ZodType<Snapshot>;

const Target = z.strictObject({
  id: id("id"),
  arn: z.string().optional(),
  tags: z.record(z.string(), z.string()),
  before: Snap,
}, OBJECT) satisfies z.ZodType<UpdateTarget>;

const Difference = z.strictObject({ field: z.string(), expected: z.string(), actual: z.string() });
const Missing = z.strictObject({
  kind: z.enum(["user", "queue", "flow"]),
  id: z.string(),
  name: z.string().optional(),
});

const failOf = <I extends z.ZodType, C extends z.ZodType>(item: I, cause: C) =>
  z.strictObject({
    kind: z.literal("fail"),
    item,
    cause,
    reason: z.string(),
    targetId: id("targetId").optional(),
    missing: z.array(Missing).optional(),
  }, OBJECT);

const KINDS = "create, update, unchanged, skip, fail";
const Entry = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("create"), item: Item, config: Config }, OBJECT),
  z.strictObject({
    kind: z.literal("update"),
    item: Item,
    config: Config,
    target: Target,
    parts: z.array(z.enum(["description", "config", "tags"])).min(1, {
      error: "must not be empty",
    }),
    changes: z.array(Difference),
  }, OBJECT),
  z.strictObject({ kind: z.literal("unchanged"), item: Item, targetId: id("targetId") }, OBJECT),
  z.strictObject({
    kind: z.literal("skip"),
    item: Item,
    targetId: id("targetId"),
    // A drift check's comparison (--dry-run --detailed-exitcode under skip).
    differs: z.array(Difference).optional(),
    uncompared: z.string().optional(),
  }, OBJECT),
  // An invalid item fails as it was read; every other failure is of a valid item.
  z.discriminatedUnion("cause", [
    failOf(Invalid, z.literal("invalid")),
    failOf(Item, z.enum(["exists", "unresolved", "unreadable"])),
  ], { error: "must be one of invalid, exists, unresolved, unreadable" }),
], {
  error: (iss) => isObject(iss.input) ? `must be one of ${KINDS}` : "must be an object",
}) satisfies z.ZodType<PlanEntry>;

const LinkAddSchema = z.strictObject({
  index: Index,
  name: text("name", 1, LIMITS.nameMax),
  targetId: id("targetId").optional(),
  source: z.string(),
  recent: z.boolean().optional(),
}, OBJECT) satisfies z.ZodType<LinkAdd>;

const Links = z.strictObject({
  queueId: id("queueId"),
  queueName: z.string(),
  add: z.array(LinkAddSchema),
}, OBJECT) satisfies z.ZodType<QueueLinks>;

const LinkProblemSchema = z.strictObject({
  index: Index,
  name: z.string(),
  source: z.string(),
  sourceId: z.string().optional(),
  queueId: z.string().optional(),
  queueName: z.string().optional(),
  reason: z.enum(["unresolved", "unreadable"]),
  error: z.string(),
}, OBJECT) satisfies z.ZodType<LinkProblem>;

const Delete = z.strictObject({
  why: z.enum(["prune", "undo"]),
  targetId: id("targetId"),
  name: text("name", 1, LIMITS.nameMax),
  before: Snap,
  queues: z.array(z.strictObject({ queueId: id("queueId"), queueName: z.string() }, OBJECT)),
}, OBJECT) satisfies z.ZodType<DeleteEntry>;

const Unlinks = z.strictObject({
  queueId: id("queueId"),
  queueName: z.string(),
  remove: z.array(
    z.strictObject({ targetId: id("targetId"), name: z.string() }, OBJECT),
  ),
}, OBJECT) satisfies z.ZodType<QueueUnlinks>;

export const PlanSchema = z.strictObject({
  entries: z.array(Entry),
  deletes: z.array(Delete),
  unlinks: z.array(Unlinks),
  links: z.array(Links),
  linkProblems: z.array(LinkProblemSchema),
  linksPresent: Index.nonnegative({ error: "must not be negative" }),
  warnings: z.array(z.string()),
}, OBJECT).superRefine((plan, ctx) => report(ctx, crossProblems(plan))) satisfies z.ZodType<Plan>;

/** The quick connect an entry links, by its target ID (none yet for a create). */
function linkedTarget(e: PlanEntry): string | undefined {
  if (e.kind === "update") return e.target.id;
  return e.kind === "create" || e.kind === "fail" ? undefined : e.targetId;
}

/**
 * What holds across sections: each entry its own index, each valid quick connect its own
 * name (as names compare: lib/names.ts), every link to add naming an entry of the plan as
 * the plan has it, and each delete a quick connect that no entry keeps.
 */
function crossProblems(plan: Pick<Plan, "entries" | "links" | "deletes">): Problem[] {
  const out: Problem[] = [];
  const { byIndex, byName } = entryProblems(plan.entries, out);
  linkAddProblems(plan, byIndex, out);
  const deleted = new Set<string>();
  plan.deletes.forEach((d, i) => {
    const at = (field: string, message: string) =>
      out.push({ path: ["deletes", i, field], message });
    if (deleted.has(d.targetId)) at("targetId", `${d.targetId} is deleted twice`);
    deleted.add(d.targetId);
    const j = byName.get(nameKey(d.name));
    if (j !== undefined) at("name", `entries[${j}] is this quick connect: it is not deleted`);
  });
  return out;
}

/** Each entry's own index and valid name: the positions of each, for the other checks. */
function entryProblems(entries: readonly PlanEntry[], out: Problem[]) {
  const byIndex = new Map<number, number>();
  const byName = new Map<string, number>();
  entries.forEach((e, j) => {
    const at = (field: string, message: string) =>
      out.push({ path: ["entries", j, "item", field], message });
    const first = byIndex.get(e.item.index);
    if (first !== undefined) {
      at("index", `${e.item.index} is also the index of entries[${first}]: each entry has its own`);
    } else byIndex.set(e.item.index, j);
    if (e.item.name === undefined) return;
    const key = nameKey(e.item.name);
    const same = byName.get(key);
    // Items that failed validation may share a name (a duplicate in the file fails both).
    if (e.kind === "fail" && e.cause === "invalid") {
      if (same === undefined) byName.set(key, j);
      return;
    }
    const other = same === undefined ? undefined : entries[same];
    if (other && !(other.kind === "fail" && other.cause === "invalid")) {
      at("name", `${JSON.stringify(e.item.name)} is also the name of entries[${same}]`);
    } else byName.set(key, j);
  });
  return { byIndex, byName };
}

/** Every link to add is of an entry that has a quick connect, with that entry's target ID. */
function linkAddProblems(
  plan: Pick<Plan, "entries" | "links">,
  byIndex: ReadonlyMap<number, number>,
  out: Problem[],
): void {
  plan.links.forEach((q, qi) =>
    q.add.forEach((l, li) => {
      const at = (field: string, message: string) =>
        out.push({ path: ["links", qi, "add", li, field], message });
      // Below zero: a quick connect that exists and is no entry of the plan (undo).
      if (l.index < 0) {
        if (l.targetId === undefined) at("targetId", "missing (required for a negative index)");
        return;
      }
      const j = byIndex.get(l.index);
      const e = j === undefined ? undefined : plan.entries[j];
      if (j === undefined || !e) return at("index", `no entry of the plan has index ${l.index}`);
      if (e.item.name !== l.name) {
        return at("name", `entries[${j}] (index ${l.index}) is ${JSON.stringify(e.item.name)}`);
      }
      if (e.kind === "fail") return at("index", `entries[${j}] fails: it has nothing to link`);
      const want = linkedTarget(e);
      if (l.targetId !== want) {
        at(
          "targetId",
          want === undefined
            ? "must be absent: the plan creates this quick connect"
            : `must be ${JSON.stringify(want)}, the target ID of entries[${j}]`,
        );
      }
    })
  );
}

/**
 * A problem's path as the message names it: the entry, delete or link it is in, with that
 * one's name, then the field (`Plan.entries[3] ("Sales"): item.config.PhoneConfig`).
 */
export function describePath(root: unknown, path: readonly PropertyKey[]): string {
  let node = root;
  let cut = -1;
  let name: string | undefined;
  path.forEach((p, i) => {
    node = isObject(node) || Array.isArray(node)
      ? (node as Record<PropertyKey, unknown>)[p]
      : undefined;
    if (typeof p !== "number" || !isObject(node)) return;
    const n = node as { name?: unknown; item?: { name?: unknown } };
    const named = n.name ?? (isObject(n.item) ? n.item?.name : undefined);
    // The outermost element, unless one inside it has a name (a link within its queue).
    if (cut >= 0 && typeof named !== "string") return;
    cut = i;
    name = typeof named === "string" ? named : undefined;
  });
  if (cut < 0) return formatPath(path);
  const head = formatPath(path.slice(0, cut + 1)) + (name ? ` (${JSON.stringify(name)})` : "");
  const rest = formatPath(path.slice(cut + 1));
  return rest ? `${head}: ${rest}` : head;
}
