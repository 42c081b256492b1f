/**
 * A saved plan (`--dry-run --plan-out PLAN.json`, applied with `--plan PLAN.json`): the
 * plan value itself, where it applies (instance, Region, tool version), and a fingerprint
 * of every piece of target state its actions depend on. Applying re-reads exactly those
 * and refuses, before any write, if one changed. The file carries a digest of its own
 * content: a plan is applied exactly as the tool wrote it, or refused before any call.
 */
import { z } from "zod";
import { readAssociations, readQuickConnects } from "../aws/reads.ts";
import type { RunContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import { readJson, writeJsonAtomic } from "../json_file.ts";
import { NameIndex, nameKey } from "../names.ts";
import { esc, plural } from "../log.ts";
import { schemaError } from "../schema_error.ts";
import { TOOL_NAME, VERSION } from "../version.ts";
import { kindOf, wrongKind } from "./file_kind.ts";
import { isInvalid } from "./input.ts";
import { ON_CONFLICT, type OnConflict, type Plan, snapshotOf } from "./plan.ts";
import { type Mapping, MAPPING_SECTIONS, MappingSchema } from "./mapping.ts";

/** 2: with a Digest. A format-1 plan (no digest) is refused: nothing shows it unedited. */
const PLAN_FORMAT = 2;

/** A saved plan, as written and as read back once its digest and header are checked. */
export type PlanFile = Omit<z.infer<typeof PlanFileSchema>, "Plan"> & { Plan: Plan };

async function sha256Hex(text: string): Promise<string> {
  const hash = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  return [...hash].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A target quick connect's content, as a short fingerprint. */
async function digest(value: unknown): Promise<string> {
  return (await sha256Hex(JSON.stringify(value))).slice(0, 16);
}

/**
 * JSON with every object's members sorted (by UTF-16 code units) and no whitespace: the
 * same text for the same content, however the file is indented or its members ordered
 * (RFC 8785's order and number form, for the values a plan holds).
 */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x ?? null)).join(",")}]`;
  if (typeof v !== "object" || v === null) return JSON.stringify(v) ?? "null";
  const o = v as Record<string, unknown>;
  const members = Object.keys(o).sort().filter((k) => o[k] !== undefined);
  return `{${members.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
}

/** The digest a plan file's content should carry: every member but Digest itself. */
export async function planDigest(file: unknown): Promise<string> {
  const content: Record<string, unknown> = typeof file === "object" && file !== null
    ? { ...file }
    : {};
  delete content.Digest;
  return await sha256Hex(canonicalJson(content));
}

/** What the plan's actions depend on: names → quick connects, and link states. */
function dependencies(plan: Plan) {
  const names = new Set<string>();
  const links: { key: string; queueId: string; id: string }[] = [];
  const link = (name: string, queueId: string, queueName: string, id: string) => {
    names.add(name);
    links.push({ key: `link of "${name}" on queue '${queueName}'`, queueId, id });
  };
  for (const e of plan.entries) {
    if (!isInvalid(e.item) && (e.kind === "create" || e.kind === "update")) names.add(e.item.name);
  }
  for (const q of plan.links) {
    for (const l of q.add) {
      names.add(l.name);
      if (l.targetId) link(l.name, q.queueId, q.queueName, l.targetId);
    }
  }
  for (const d of plan.deletes) {
    names.add(d.name);
    for (const q of d.queues) link(d.name, q.queueId, q.queueName, d.targetId);
  }
  for (const u of plan.unlinks) {
    for (const r of u.remove) link(r.name, u.queueId, u.queueName, r.targetId);
  }
  return { names, links };
}

/** Reads, now, the target state the plan depends on, as fingerprints. */
async function fingerprints(ctx: RunContext, plan: Plan): Promise<Record<string, string>> {
  const { names, links } = dependencies(plan);
  const out: Record<string, string> = {};
  if (names.size > 0) {
    const keys = new Set([...names].map(nameKey));
    const read = await readQuickConnects({
      client: ctx.client,
      instanceId: ctx.instanceId,
      logger: ctx.logger,
      details: true,
      describe: (name) => keys.has(nameKey(name)),
    });
    const byName = new NameIndex(read.items);
    for (const name of [...names].sort()) {
      const qc = byName.get(name);
      out[`quick connect "${name}"`] = !qc
        ? "absent"
        : qc.detail
        ? `${qc.id} ${await digest(snapshotOf(qc.detail))}`
        : `${qc.id} unreadable`;
    }
  }
  const queues = [...new Set(links.map((l) => l.queueId))];
  const { links: now, failed } = await readAssociations(ctx.client, ctx.instanceId, queues);
  for (const l of links) {
    out[l.key] = failed.has(l.queueId)
      ? "unreadable"
      : now.get(l.queueId)?.has(l.id)
      ? "linked"
      : "not linked";
  }
  return out;
}

export async function writePlanFile(
  path: string,
  ctx: RunContext,
  plan: Plan,
  meta: { exportFile: string; onConflict: OnConflict; mapping: Mapping },
): Promise<PlanFile> {
  const content: Omit<PlanFile, "Digest"> = {
    PlanFormat: PLAN_FORMAT,
    Tool: TOOL_NAME,
    ToolVersion: VERSION,
    InstanceId: ctx.instanceId,
    Region: ctx.region,
    CreatedAt: new Date().toISOString(),
    ExportFile: meta.exportFile,
    OnConflict: meta.onConflict,
    Mapping: Object.fromEntries(
      MAPPING_SECTIONS.map((sec) => [sec, Object.fromEntries(meta.mapping[sec])]),
    ) as PlanFile["Mapping"],
    Fingerprints: await fingerprints(ctx, plan),
    Plan: plan,
  };
  // The digest of the content as it reads back (undefined members gone), Digest up front.
  const written = JSON.parse(JSON.stringify(content));
  const file: PlanFile = { PlanFormat: PLAN_FORMAT, Digest: await planDigest(written), ...written };
  await writeJsonAtomic(path, file);
  return file;
}

const list = z.array(z.object({}).loose());
/**
 * The header, checked once the digest shows the file is as the tool wrote it: the plan itself
 * is then the tool's own value (a digest recomputed by hand is a forgery this does not chase).
 */
const PlanFileSchema = z.strictObject({
  PlanFormat: z.literal(PLAN_FORMAT, { error: `must be ${PLAN_FORMAT}` }),
  /** SHA-256 (hex) of the canonical JSON of every other member (planDigest). */
  Digest: z.string({ error: "missing" }),
  Tool: z.literal(TOOL_NAME, { error: `must be "${TOOL_NAME}": this is not a plan of this tool` }),
  ToolVersion: z.string(),
  InstanceId: z.string().min(1),
  Region: z.string().min(1),
  CreatedAt: z.string(),
  ExportFile: z.string(),
  OnConflict: z.enum(ON_CONFLICT),
  /** The --mapping the plan was made with (--verify resolves with it again). */
  Mapping: MappingSchema.required(),
  /** "What the target looked like" for each thing the plan's actions depend on. */
  Fingerprints: z.record(z.string(), z.string()),
  Plan: z.object({
    entries: list,
    deletes: list,
    unlinks: list,
    links: list,
    linkProblems: list,
    linksPresent: z.number(),
    warnings: z.array(z.string()),
  }),
}, {
  error: (iss: { code: string }) =>
    iss.code === "invalid_type" ? "must be a JSON object" : undefined,
});

const NEW_PLAN = "make a new plan with --dry-run --plan-out";

/**
 * Reads a saved plan, before any call: the wrong kind of file, another plan format, an edit
 * since the plan was written (its digest first) or a malformed header is a UsageError (exit 2).
 */
export async function loadPlanFile(path: string, shown: string): Promise<PlanFile> {
  const raw = await readJson(path, "plan file", shown);
  const kind = kindOf(raw);
  if (kind !== "plan") {
    throw kind ? wrongKind(kind, "plan", shown) : new UsageError(
      `Invalid plan file "${shown}": not a saved plan (no PlanFormat member); ${NEW_PLAN}`,
    );
  }
  // A plan file of another format is refused before its content is looked at.
  const format = (raw as { PlanFormat?: unknown }).PlanFormat;
  if (typeof format === "number" && format !== PLAN_FORMAT) {
    throw new UsageError(
      format < PLAN_FORMAT
        ? `Refusing plan "${shown}": it was made by an older version of this tool (plan format ${format}, without a digest to show it is unedited); nothing was changed: ${NEW_PLAN}`
        : `Refusing plan "${shown}": it was made by a newer version of this tool (plan format ${format}; this version reads ${PLAN_FORMAT}); nothing was changed: ${NEW_PLAN}`,
    );
  }
  if ((raw as { Digest?: unknown }).Digest !== await planDigest(raw)) {
    throw new UsageError(
      `Refusing plan "${shown}": it was edited after it was made (its content no longer matches its Digest); nothing was changed. A plan is applied exactly as the tool wrote it: to change what it does, edit the export or mapping file and ${NEW_PLAN}`,
    );
  }
  const r = PlanFileSchema.safeParse(raw);
  if (!r.success) throw schemaError(`Invalid plan file "${shown}"`, r.error.issues);
  return raw as PlanFile;
}

/** What changed in the target since the plan was made: one line each. */
function staleness(saved: Record<string, string>, now: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [key, was] of Object.entries(saved)) {
    const is = now[key];
    if (is === was) continue;
    const show = (v: string | undefined) =>
      v === undefined ? "not read" : /^\S+ [0-9a-f]{16}$/.test(v) ? "present" : v;
    out.push(
      was.split(" ")[0] === is?.split(" ")[0] && show(was) === "present"
        ? `${key} was edited`
        : `${key}: was ${show(was)}, now ${show(is)}`,
    );
  }
  return out;
}

/**
 * A saved plan is applied exactly, so only on the target it was made for and only if
 * nothing it depends on changed since; it reads nothing else of the target.
 */
export async function checkSavedPlan(
  ctx: RunContext,
  saved: PlanFile,
  shown: string,
): Promise<Plan> {
  const refuse = (what: string, fix = "make a new plan") =>
    new UsageError(`Refusing plan "${shown}": ${what}; ${fix} with --dry-run --plan-out`);
  // The flag that differs was given: without it, the file's instance and Region are used.
  const given = (flag: string, value: string) =>
    refuse(
      `it was made for instance ${saved.InstanceId} in ${saved.Region}, not ${value}`,
      `drop --${flag}, or make a new plan against ${value}`,
    );
  if (saved.ToolVersion !== VERSION) {
    throw refuse(`it was made by version ${saved.ToolVersion} of this tool, this is ${VERSION}`);
  }
  if (saved.InstanceId !== ctx.instanceId) throw given("instance-id", ctx.instanceId);
  if (saved.Region !== ctx.region) throw given("region", ctx.region);
  const log = ctx.logger;
  log.info("Checking that the target has not changed since the plan was made...");
  const stale = staleness(saved.Fingerprints, await fingerprints(ctx, saved.Plan));
  if (stale.length === 0) return saved.Plan;
  for (const line of stale.slice(0, 20)) log.error(`Changed since the plan was made: ${esc(line)}`);
  if (stale.length > 20) log.error(`... and ${plural(stale.length - 20, "more change")}`);
  const changes = plural(stale.length, "change");
  throw new UsageError(
    `Refusing plan "${shown}": the target changed since it was made (${changes} above); nothing was changed: ${NEW_PLAN}`,
  );
}
