/**
 * Reads and validates an export file for import: the seed tool's layout and our format 2
 * (which adds References and Queues). A problem with the file as a whole is a UsageError
 * (exit 2, nothing sent to AWS); a problem with one quick connect fails that item only,
 * with the field path and the reason, so the rest of the file still imports.
 */
import type { QuickConnectConfig, QuickConnectType } from "@aws-sdk/client-connect";
import { isReservedTag } from "./qc_diff.ts";
import { z } from "zod";
import { UsageError } from "./errors.ts";
import type { ExportedReferences } from "./export_file.ts";

/** The types this tool can create; an unknown future type fails its item, never the file. */
export const IMPORTABLE_TYPES = ["USER", "QUEUE", "PHONE_NUMBER", "FLOW"] as const;

/** Which sub-config each type carries. */
export const SUB_CONFIG = {
  USER: "UserConfig",
  QUEUE: "QueueConfig",
  PHONE_NUMBER: "PhoneConfig",
  FLOW: "FlowConfig",
} as const satisfies Record<(typeof IMPORTABLE_TYPES)[number], keyof QuickConnectConfig>;

/** E.164 as CONNECT_API.md §4.2 says to check it (the model's own pattern is double-escaped). */
export const E164 = /^\+[1-9]\d{1,14}$/;
/** Tag key pattern without the `aws:` look-ahead: `aws:` keys are dropped, not rejected. */
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MAX_TAGS = 50;

/** One quick connect of the file that passed validation, in the form the importer uses. */
export interface ImportItem {
  /** Position in the file's QuickConnects array. */
  index: number;
  name: string;
  sourceId?: string;
  /** Empty or absent descriptions are both `""` (Create omits it, Update clears it). */
  description: string;
  /** Only the sub-config that matches the type: the others are never sent. */
  config: QuickConnectConfig;
  /** Without `aws:` keys. */
  tags: Record<string, string>;
  /** `aws:` keys found in the file and dropped (they cannot be set through the API). */
  droppedTags: string[];
  references: ExportedReferences;
  /** Source standard queues the quick connect was associated with (format 2). */
  queues: { Id: string; Name?: string }[];
}

/** A quick connect of the file that cannot be imported as it stands. */
export interface InvalidItem {
  index: number;
  /** The name if the item has a usable one (for the report and the log). */
  name?: string;
  sourceId?: string;
  /** `QuickConnects[3].QuickConnect.Name: missing`; several problems are joined with "; ". */
  error: string;
  missingName: boolean;
  /** The raw item, for the seed's `missing 'Name' field in data: {...}` line. */
  raw: unknown;
}

export interface LoadedExport {
  path: string;
  formatVersion: number;
  /** Quick connects the export could not read (FailedQuickConnects): not in this file. */
  failedExports: number;
  /** Every item of the file, in order, valid or not. */
  items: (ImportItem | InvalidItem)[];
}

export const isInvalid = (item: ImportItem | InvalidItem): item is InvalidItem => "error" in item;

// ---------------------------------------------------------------------------------------
// Schemas. Messages are written for someone fixing the file by hand.

const text = (what: string, min: number, max: number) =>
  z.string({ error: (iss) => iss.input === undefined ? "missing" : `${what} must be a string` })
    .min(min, { error: min === 1 ? "must not be empty" : `at least ${min} characters` })
    .max(max, {
      error: (iss) => `too long: ${String(iss.input ?? "").length} characters, the limit is ${max}`,
    });

const id = (what: string) => text(what, 1, 500);

const SubConfigs = {
  USER: z.object({ UserId: id("UserId"), ContactFlowId: id("ContactFlowId") }).loose(),
  QUEUE: z.object({ QueueId: id("QueueId"), ContactFlowId: id("ContactFlowId") }).loose(),
  PHONE_NUMBER: z.object({
    PhoneNumber: z.string({
      error: (iss) => iss.input === undefined ? "missing" : "must be a string",
    }).regex(E164, {
      error: (iss) =>
        `${
          JSON.stringify(iss.input)
        } is not an E.164 phone number ("+", country code, up to 15 digits, e.g. +14155550100)`,
    }),
  }).loose(),
  FLOW: z.object({ ContactFlowId: id("ContactFlowId") }).loose(),
} as const;

const ConfigSchema = z.object({
  QuickConnectType: z.string({
    error: (iss) => iss.input === undefined ? "missing" : "must be a string",
  }),
}, { error: (iss) => iss.input === undefined ? "missing" : "must be an object" }).loose();

const RefSchema = z.object({
  User: z.object({ Id: id("Id"), Username: z.string().optional() }).loose().optional(),
  Queue: z.object({ Id: id("Id"), Name: z.string().optional() }).loose().optional(),
  ContactFlow: z.object({ Id: id("Id"), Name: z.string().optional(), Type: z.string().optional() })
    .loose().optional(),
}).loose();

const ItemSchema = z.object({
  QuickConnect: z.object({
    QuickConnectId: z.string().optional(),
    Name: text("Name", 1, 127),
    Description: z.union([text("Description", 0, 250), z.null()]).optional(),
    QuickConnectConfig: ConfigSchema,
  }, { error: (iss) => iss.input === undefined ? "missing" : "must be an object" }).loose(),
  // null is how some tools write "no tags"; it means the same as {}.
  Tags: z.preprocess(
    (v) => v === null ? undefined : v,
    z.record(z.string(), z.string({ error: "tag values must be strings" }), {
      error: (iss) =>
        iss.code === "invalid_type" ? "must be an object of string values" : undefined,
    }).optional(),
  ),
  References: RefSchema.optional(),
  Queues: z.array(
    z.object({ Id: id("Id"), Name: z.string().optional() }).loose(),
  ).optional(),
}, { error: "must be an object" }).loose();

const FileSchema = z.object({
  FormatVersion: z.number().int().positive().optional(),
  InstanceId: z.string().optional(),
  FailedQuickConnects: z.array(z.unknown()).optional().catch(undefined),
  QuickConnects: z.array(z.unknown(), {
    error: (iss) =>
      iss.input === undefined
        ? "missing: an export file has a QuickConnects array"
        : `must be an array, not ${describeType(iss.input)}`,
  }),
}, { error: (iss) => `must be a JSON object, not ${describeType(iss.input)}` }).loose();

// ---------------------------------------------------------------------------------------

function describeType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** `QuickConnects[3].QuickConnect.Tags["a b"]` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(String(p))) out += out ? `.${String(p)}` : String(p);
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

function issuesText(prefix: readonly PropertyKey[], error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const where = formatPath([...prefix, ...i.path]);
    return where ? `${where}: ${i.message}` : i.message;
  });
}

/** The keys a tag map may hold once `aws:` keys are gone; the reasons for the rest. */
function checkTags(prefix: PropertyKey[], tags: Record<string, string>): string[] {
  const problems: string[] = [];
  const keys = Object.keys(tags);
  if (keys.length > MAX_TAGS) {
    problems.push(
      `${
        formatPath(prefix)
      }: ${keys.length} tags, the limit is ${MAX_TAGS} (after dropping aws: keys)`,
    );
  }
  for (const k of keys) {
    const where = formatPath([...prefix, k]);
    if (k.length === 0) problems.push(`${where}: tag keys must not be empty`);
    else if (k.length > 128) {
      problems.push(`${where}: tag key too long: ${k.length} characters, the limit is 128`);
    } else if (!TAG_KEY.test(k)) {
      problems.push(
        `${where}: tag key has characters outside letters, digits, spaces and _ . : / = + - @`,
      );
    }
    const v = tags[k] ?? "";
    if (v.length > 256) {
      problems.push(`${where}: tag value too long: ${v.length} characters, the limit is 256`);
    }
  }
  return problems;
}

function validateItem(raw: unknown, index: number): ImportItem | InvalidItem {
  const base: PropertyKey[] = ["QuickConnects", index];
  const rawQc = (raw as { QuickConnect?: { Name?: unknown; QuickConnectId?: unknown } } | null)
    ?.QuickConnect;
  const rawName = typeof rawQc?.Name === "string" && rawQc.Name.length > 0 ? rawQc.Name : undefined;
  const sourceId = typeof rawQc?.QuickConnectId === "string" ? rawQc.QuickConnectId : undefined;
  const fail = (problems: string[]): InvalidItem => ({
    index,
    name: rawName,
    sourceId,
    error: problems.join("; "),
    missingName: typeof raw === "object" && raw !== null &&
      (rawQc === undefined || rawQc === null || typeof rawQc !== "object" ||
        rawQc.Name === undefined || rawQc.Name === null || rawQc.Name === ""),
    raw,
  });

  const parsed = ItemSchema.safeParse(raw);
  if (!parsed.success) return fail(issuesText(base, parsed.error));
  const { QuickConnect: qc } = parsed.data;
  const problems: string[] = [];

  const cfgPath = [...base, "QuickConnect", "QuickConnectConfig"];
  const type = qc.QuickConnectConfig.QuickConnectType;
  let config: QuickConnectConfig | undefined;
  if (!(IMPORTABLE_TYPES as readonly string[]).includes(type)) {
    problems.push(
      `${formatPath([...cfgPath, "QuickConnectType"])}: ${
        JSON.stringify(type)
      } is not a type this tool can import (${IMPORTABLE_TYPES.join(", ")})`,
    );
  } else {
    const t = type as (typeof IMPORTABLE_TYPES)[number];
    const member = SUB_CONFIG[t];
    const sub = (qc.QuickConnectConfig as Record<string, unknown>)[member];
    if (sub === undefined || sub === null) {
      problems.push(`${formatPath([...cfgPath, member])}: missing (required for type ${t})`);
    } else {
      const r = SubConfigs[t].safeParse(sub);
      if (!r.success) problems.push(...issuesText([...cfgPath, member], r.error));
      else config = buildConfig(t, r.data as Record<string, string>);
    }
  }

  const tagsIn = parsed.data.Tags ?? {};
  const droppedTags = Object.keys(tagsIn).filter(isReservedTag);
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(tagsIn)) if (!droppedTags.includes(k)) tags[k] = v;
  problems.push(...checkTags([...base, "Tags"], tags));

  if (problems.length > 0 || !config) return fail(problems);
  return {
    index,
    name: qc.Name,
    sourceId,
    description: qc.Description ?? "",
    config,
    tags,
    droppedTags,
    references: (parsed.data.References ?? {}) as ExportedReferences,
    queues: parsed.data.Queues ?? [],
  };
}

/** A config holding only the members the API defines for the type, in a fixed order. */
export function buildConfig(
  type: (typeof IMPORTABLE_TYPES)[number],
  sub: Record<string, string | undefined>,
): QuickConnectConfig {
  const s = (k: string) => sub[k] ?? "";
  switch (type) {
    case "USER":
      return {
        QuickConnectType: type,
        UserConfig: { UserId: s("UserId"), ContactFlowId: s("ContactFlowId") },
      };
    case "QUEUE":
      return {
        QuickConnectType: type,
        QueueConfig: { QueueId: s("QueueId"), ContactFlowId: s("ContactFlowId") },
      };
    case "PHONE_NUMBER":
      return { QuickConnectType: type, PhoneConfig: { PhoneNumber: s("PhoneNumber") } };
    case "FLOW":
      return {
        QuickConnectType: type as QuickConnectType,
        FlowConfig: { ContactFlowId: s("ContactFlowId") },
      };
  }
}

/** How many item indices a duplicate-name error lists before "and N more". */
const MAX_LISTED = 5;

/** Validates a parsed JSON value; `path` is only used in messages. */
export function parseExport(value: unknown, path: string): LoadedExport {
  const file = FileSchema.safeParse(value);
  if (!file.success) {
    const first = file.error.issues[0];
    const where = first && first.path.length > 0 ? `${formatPath(first.path)}: ` : "";
    throw new UsageError(
      `Invalid export file "${path}": ${where}${first?.message ?? "unreadable"}`,
    );
  }
  const version = file.data.FormatVersion ?? 1;
  if (version > 2) {
    throw new UsageError(
      `Invalid export file "${path}": FormatVersion ${version} was written by a newer version of this tool; this version reads format 1 (seed) and 2`,
    );
  }
  const items = file.data.QuickConnects.map((raw, i) => validateItem(raw, i));

  // Names are the key of an import: two items with one name would mean one of them
  // silently wins, so both fail and the user decides.
  // Linear: one list of indices per name, and at most MAX_LISTED of them in each message.
  const byName = new Map<string, number[]>();
  for (const it of items) {
    if (isInvalid(it)) continue;
    const same = byName.get(it.name);
    if (same) same.push(it.index);
    else byName.set(it.name, [it.index]);
  }
  const listed = new Map<string, string>();
  const out = items.map((it): ImportItem | InvalidItem => {
    if (isInvalid(it)) return it;
    const same = byName.get(it.name) ?? [];
    if (same.length < 2) return it;
    let where = listed.get(it.name);
    if (where === undefined) {
      where = same.slice(0, MAX_LISTED).join(", ") +
        (same.length > MAX_LISTED ? ` and ${same.length - MAX_LISTED} more` : "");
      listed.set(it.name, where);
    }
    return {
      index: it.index,
      name: it.name,
      sourceId: it.sourceId,
      error: `${formatPath(["QuickConnects", it.index, "QuickConnect", "Name"])}: ${
        JSON.stringify(it.name)
      } appears ${same.length} times in the file (items ${where}); quick connect names must be unique`,
      missingName: false,
      raw: undefined,
    };
  });
  return {
    path,
    formatVersion: version,
    failedExports: file.data.FailedQuickConnects?.length ?? 0,
    items: out,
  };
}

/** Reads and validates the export file. Throws UsageError for any file-level problem. */
export async function loadExportFile(path: string): Promise<LoadedExport> {
  return parseExport(await readJson(path, "export file"), path);
}

/** Reads a JSON file; every failure is a UsageError naming the file. */
export async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    const reason = err instanceof Deno.errors.NotFound
      ? "file does not exist"
      : err instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : err instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : err instanceof Error
      ? err.message
      : String(err);
    throw new UsageError(`Cannot read ${what} "${path}": ${reason}`);
  }
  // Windows editors may save a byte order mark; JSON.parse rejects it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") throw new UsageError(`Invalid ${what} "${path}": the file is empty`);
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new UsageError(`Invalid ${what} "${path}": not valid JSON (${msg})`);
  }
}
