/**
 * A saved plan (`--dry-run --plan-out PLAN.json`, applied with `--plan PLAN.json`): the
 * plan value itself, where it applies (instance, Region, tool version), and a fingerprint
 * of every piece of target state its actions depend on. Applying re-reads exactly those
 * and refuses, before any write, if one changed.
 */
import { z } from "zod";
import { isInterrupted } from "../aws/limiter.ts";
import { readAssociations, readQuickConnects } from "../aws/reads.ts";
import type { RunContext } from "../context.ts";
import { isFatalForRun, UsageError } from "../errors.ts";
import { readJson, writeJsonAtomic } from "../json_file.ts";
import { NameIndex, nameKey } from "../names.ts";
import { TOOL_NAME, VERSION } from "../version.ts";
import { isInvalid } from "./input.ts";
import { type OnConflict, type Plan, snapshotOf } from "./plan.ts";
import { type Mapping, MAPPING_SECTIONS, type MappingSection, parseMapping } from "./mapping.ts";

export const PLAN_FORMAT = 1;

export interface PlanFile {
  PlanFormat: number;
  Tool: string;
  ToolVersion: string;
  InstanceId: string;
  Region: string;
  CreatedAt: string;
  ExportFile: string;
  OnConflict: OnConflict;
  /** The --mapping the plan was made with (--verify resolves with it again). */
  Mapping: Record<MappingSection, Record<string, string>>;
  /** "What the target looked like" for each thing the plan's actions depend on. */
  Fingerprints: Record<string, string>;
  Plan: Plan;
}

const stops = (err: unknown) => isInterrupted(err) || isFatalForRun(err);

async function digest(value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...hash.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** What the plan's actions depend on: names → quick connects, and link states. */
function dependencies(plan: Plan) {
  const names = new Set<string>();
  const links: { key: string; queueId: string; id: string }[] = [];
  for (const e of plan.entries) {
    if (isInvalid(e.item)) continue;
    if (e.kind === "create" || e.kind === "update") names.add(e.item.name);
  }
  for (const q of plan.links) {
    for (const l of q.add) {
      names.add(l.name);
      if (l.targetId) {
        links.push({
          key: `link of "${l.name}" on queue '${q.queueName}'`,
          queueId: q.queueId,
          id: l.targetId,
        });
      }
    }
  }
  for (const d of plan.deletes) {
    names.add(d.name);
    for (const q of d.queues) {
      links.push({
        key: `link of "${d.name}" on queue '${q.queueName}'`,
        queueId: q.queueId,
        id: d.targetId,
      });
    }
  }
  for (const u of plan.unlinks) {
    for (const r of u.remove) {
      names.add(r.name);
      links.push({
        key: `link of "${r.name}" on queue '${u.queueName}'`,
        queueId: u.queueId,
        id: r.targetId,
      });
    }
  }
  return { names, links };
}

/** Reads, now, the target state the plan depends on, as fingerprints. */
export async function fingerprints(ctx: RunContext, plan: Plan): Promise<Record<string, string>> {
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
      isFatal: stops,
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
  const { links: now, failed } = await readAssociations(ctx.client, ctx.instanceId, queues, stops);
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
  const file: PlanFile = {
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
  await writeJsonAtomic(path, file);
  return file;
}

const Loose = z.object({}).loose();
const PlanFileSchema = z.object({
  PlanFormat: z.literal(PLAN_FORMAT, { error: `must be ${PLAN_FORMAT}` }),
  Tool: z.literal(TOOL_NAME, { error: `must be "${TOOL_NAME}": this is not a plan of this tool` }),
  ToolVersion: z.string(),
  InstanceId: z.string().min(1),
  Region: z.string().min(1),
  CreatedAt: z.string(),
  ExportFile: z.string(),
  OnConflict: z.enum(["skip", "update", "fail"]),
  Mapping: z.record(z.string(), z.record(z.string(), z.string())),
  Fingerprints: z.record(z.string(), z.string()),
  Plan: z.object({
    entries: z.array(
      Loose.extend({ kind: z.enum(["create", "update", "unchanged", "skip", "fail"]) }),
    ),
    deletes: z.array(Loose),
    unlinks: z.array(Loose),
    links: z.array(Loose),
    linkProblems: z.array(Loose),
    linksPresent: z.number(),
    warnings: z.array(z.string()),
  }).loose(),
}, { error: "must be a JSON object written by --plan-out" }).loose();

/** Reads a saved plan: a file-level problem is a UsageError (exit 2) before any call. */
export async function loadPlanFile(path: string, shown: string): Promise<PlanFile> {
  const r = PlanFileSchema.safeParse(await readJson(path, "plan file", shown));
  if (!r.success) {
    const first = r.error.issues[0];
    const at = first && first.path.length > 0 ? `${first.path.join(".")}: ` : "";
    throw new UsageError(`Invalid plan file "${shown}": ${at}${first?.message ?? "unreadable"}`);
  }
  return r.data as unknown as PlanFile;
}

/** What changed in the target since the plan was made: one line each. */
export function staleness(saved: Record<string, string>, now: Record<string, string>): string[] {
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

/** The mapping a plan was made with, as the run uses it. */
export function planMapping(file: PlanFile): Mapping {
  return parseMapping(file.Mapping, "plan file");
}
