/**
 * Reads and validates an export file for import: the seed tool's layout and our format 2
 * (which adds References and Queues). A problem with the file as a whole is a UsageError
 * (exit 2, nothing sent to AWS); a problem with one quick connect fails that item only,
 * with the field path and the reason, so the rest of the file still imports.
 */
import type { QuickConnectConfig } from "@aws-sdk/client-connect";
import { z } from "zod";
import { UsageError } from "../errors.ts";
import type { ExportedReferences, SeenBy } from "../export_file.ts";
import { type Filters, isFiltering } from "../filters.ts";
import { parseJson, readJsonText } from "../json_file.ts";
import { readObjectStream } from "../json_stream.ts";
import { formatPath, type Problem, problemLines, schemaError } from "../schema_error.ts";
import {
  buildConfig,
  E164,
  isKnownType,
  isReservedTag,
  KNOWN_TYPES,
  type KnownType,
  LIMITS,
  QUICK_CONNECT_TYPES,
  TAG_KEY,
} from "../quick_connect.ts";
import { someOf } from "../log.ts";
import { nameKey } from "../names.ts";
import type { Path } from "../path.ts";
import { checkFileSize, checkItemCount } from "./file_size.ts";
import { kindOf, wrongKind } from "./file_kind.ts";
import { emptyMapping, loadMapping, type Mapping } from "./mapping.ts";

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
  /** Who saw it in the source (the file's RoutingProfiles); absent: not checked. */
  seenBy?: SeenBy[];
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
  formatVersion: number;
  /** Quick connects the export could not read (FailedQuickConnects): not in this file. */
  failedExports: number;
  /** Their names, where the file gives them: they are in the source, so never pruned. */
  failedNames?: string[];
  /** The filters the export was run with (its `Filters`); absent when it was not filtered. */
  filters?: Filters;
  /** The instance the file was exported from, as far as the file says. */
  source?: { instanceId?: string; instanceArn?: string; region?: string };
  /** Every item of the file, in order, valid or not. */
  items: (ImportItem | InvalidItem)[];
}

export const isInvalid = (item: ImportItem | InvalidItem): item is InvalidItem => "error" in item;

// ---------------------------------------------------------------------------------------
// Schemas. Messages are written for someone fixing the file by hand.

/** "missing" for an absent member, else `other`. */
const missingOr = (other: string) => (iss: { input: unknown }) =>
  iss.input === undefined ? "missing" : other;

const text = (what: string, min: number, max: number) =>
  z.string({ error: missingOr(`${what} must be a string`) })
    .min(min, { error: min === 1 ? "must not be empty" : `at least ${min} characters` })
    .max(max, {
      error: (iss) => `too long: ${String(iss.input ?? "").length} characters, the limit is ${max}`,
    });

const id = (what: string) => text(what, 1, LIMITS.idMax);

const phone = z.string({ error: missingOr("must be a string") }).regex(E164, {
  error: (iss) =>
    `${
      JSON.stringify(iss.input)
    } is not an E.164 phone number ("+", country code, up to 15 digits, e.g. +14155550100)`,
});

/** Each type's member, field by field, from the type table. */
const SubConfigs = Object.fromEntries(KNOWN_TYPES.map((t) => {
  const fields = Object.entries(QUICK_CONNECT_TYPES[t].fields);
  const shape = Object.fromEntries(
    fields.map(([f, kind]) => [f, kind === "phone" ? phone : id(f)]),
  );
  return [t, z.object(shape).loose()];
})) as unknown as Record<KnownType, z.ZodType<Record<string, string>>>;

const ConfigSchema = z.object({
  QuickConnectType: z.string({ error: missingOr("must be a string") }),
}, { error: missingOr("must be an object") }).loose();

/** A source queue: the one a config names, or one the quick connect was linked to. */
const QueueRef = z.object({ Id: id("Id"), Name: z.string().optional() }).loose();

const RefSchema = z.object({
  User: z.object({ Id: id("Id"), Username: z.string().optional() }).loose().optional(),
  Queue: QueueRef.optional(),
  ContactFlow: z.object({ Id: id("Id"), Name: z.string().optional(), Type: z.string().optional() })
    .loose().optional(),
}).loose();

const ItemSchema = z.object({
  QuickConnect: z.object({
    QuickConnectId: z.string().optional(),
    Name: text("Name", 1, LIMITS.nameMax),
    Description: z.union([text("Description", 0, LIMITS.descriptionMax), z.null()]).optional(),
    QuickConnectConfig: ConfigSchema,
  }, { error: missingOr("must be an object") }).loose(),
  // null is how some tools write "no tags"; it means the same as {}.
  Tags: z.preprocess(
    (v) => v === null ? undefined : v,
    z.record(z.string(), z.string({ error: "tag values must be strings" }), {
      error: (iss) =>
        iss.code === "invalid_type" ? "must be an object of string values" : undefined,
    }).optional(),
  ),
  References: RefSchema.optional(),
  Queues: z.array(QueueRef).optional(),
  RoutingProfiles: z.array(
    z.object({ Name: z.string(), Agents: z.number(), Queues: z.array(z.string()) }).loose(),
  ).optional(),
}, { error: "must be an object" }).loose();

/** The export's own filters (lib/export_file.ts ExportFilters); null or absent: none. */
const FileFiltersSchema = z.object({
  Include: z.array(z.string()).optional(),
  Exclude: z.array(z.string()).optional(),
  // A type this version does not know cannot be matched: the file is refused rather than
  // its filter widened to every type (it bounds --prune).
  Types: z.array(
    z.string().refine(isKnownType, {
      error: (iss) =>
        `${JSON.stringify(iss.input)} is not a type this tool knows (${KNOWN_TYPES.join(", ")})`,
    }),
  ).optional(),
  Tags: z.record(z.string(), z.string()).optional(),
}, { error: "must be an object (or null)" }).loose().nullable().optional();

const FileSchema = z.object({
  FormatVersion: z.number().int().positive().optional(),
  InstanceId: z.string().optional(),
  InstanceArn: z.string().optional().catch(undefined),
  Region: z.string().optional().catch(undefined),
  Filters: FileFiltersSchema,
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

/** The keys a tag map may hold once `aws:` keys are gone; the reasons for the rest. */
function checkTags(tags: Record<string, string>): Problem[] {
  const problems: Problem[] = [];
  const keys = Object.keys(tags);
  if (keys.length > LIMITS.tagsMax) {
    problems.push({
      path: [],
      message: `${keys.length} tags, the limit is ${LIMITS.tagsMax} (after dropping aws: keys)`,
    });
  }
  for (const k of keys) {
    const at = (message: string) => problems.push({ path: [k], message });
    if (k.length === 0) at("tag keys must not be empty");
    else if (k.length > LIMITS.tagKeyMax) {
      at(`tag key too long: ${k.length} characters, the limit is ${LIMITS.tagKeyMax}`);
    } else if (!TAG_KEY.test(k)) {
      at("tag key has characters outside letters, digits, spaces and _ . : / = + - @");
    }
    const v = tags[k] ?? "";
    if (v.length > LIMITS.tagValueMax) {
      at(`tag value too long: ${v.length} characters, the limit is ${LIMITS.tagValueMax}`);
    }
  }
  return problems;
}

/**
 * A config's type and that type's member, field by field, against the type table: the
 * config as it is sent (only that member), or the problems, their paths below the config.
 */
function checkConfig(cfg: { QuickConnectType?: string }): QuickConnectConfig | Problem[] {
  const type = cfg.QuickConnectType;
  if (!isKnownType(type)) {
    const known = KNOWN_TYPES.join(", ");
    const message = `${JSON.stringify(type)} is not a type this tool can import (${known})`;
    return [{ path: ["QuickConnectType"], message }];
  }
  const member = QUICK_CONNECT_TYPES[type].member;
  const sub = (cfg as Record<string, unknown>)[member];
  if (sub === undefined || sub === null) {
    return [{ path: [member], message: `missing (required for type ${type})` }];
  }
  const r = SubConfigs[type].safeParse(sub);
  if (r.success) return buildConfig(type, r.data);
  return r.error.issues.map((i) => ({ path: [member, ...i.path], message: i.message }));
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
      (typeof rawQc !== "object" || rawQc === null || (rawQc.Name ?? "") === ""),
    raw,
  });

  const parsed = ItemSchema.safeParse(raw);
  if (!parsed.success) return fail(problemLines(parsed.error.issues, base));
  const { QuickConnect: qc } = parsed.data;
  const config = checkConfig(qc.QuickConnectConfig);
  const at = [...base, "QuickConnect", "QuickConnectConfig"];
  const problems = Array.isArray(config) ? problemLines(config, at) : [];

  const tagsIn = parsed.data.Tags ?? {};
  const droppedTags = Object.keys(tagsIn).filter(isReservedTag);
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(tagsIn)) if (!droppedTags.includes(k)) tags[k] = v;
  problems.push(...problemLines(checkTags(tags), [...base, "Tags"]));

  if (problems.length > 0 || Array.isArray(config)) return fail(problems);
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
    ...(parsed.data.RoutingProfiles ? { seenBy: parsed.data.RoutingProfiles } : {}),
  };
}

/** How many item indices a duplicate-name error lists before "and N more". */
const MAX_LISTED = 5;

/** Validates a parsed JSON value; `path` is only used in messages. */
export function parseExport(value: unknown, path: string): LoadedExport {
  const raw = (value as { QuickConnects?: unknown } | null)?.QuickConnects;
  const items = Array.isArray(raw) ? raw.map((it, i) => validateItem(it, i)) : [];
  return checkExport(value, items, path);
}

/**
 * Names are the key of an import: two items with one name would mean one of them
 * silently wins, so both fail and the user decides. One name means one under NFC
 * (lib/names.ts): two spellings that render alike are the same name to an agent.
 * Linear: one list per name, and at most MAX_LISTED indices in each message.
 */
function refuseDuplicates(
  items: readonly (ImportItem | InvalidItem)[],
): (ImportItem | InvalidItem)[] {
  const valid = items.filter((it): it is ImportItem => !isInvalid(it));
  const where = new Map<string, { count: number; items: string }>();
  for (const [key, same] of Map.groupBy(valid, (it) => nameKey(it.name))) {
    if (same.length < 2) continue;
    const spellings = new Set(same.map((s) => s.name)).size;
    where.set(key, {
      count: same.length,
      items: someOf(same.map((s) => String(s.index)), MAX_LISTED) +
        (spellings > 1 ? `, in ${spellings} Unicode spellings that look the same` : ""),
    });
  }
  return items.map((it): ImportItem | InvalidItem => {
    const dup = isInvalid(it) ? undefined : where.get(nameKey(it.name));
    if (isInvalid(it) || !dup) return it;
    const at = formatPath(["QuickConnects", it.index, "QuickConnect", "Name"]);
    const name = JSON.stringify(it.name);
    return {
      index: it.index,
      name: it.name,
      sourceId: it.sourceId,
      error:
        `${at}: ${name} appears ${dup.count} times in the file (items ${dup.items}); quick connect names must be unique`,
      missingName: false,
      raw: undefined,
    };
  });
}

/** The file-level checks, then the names across `items` (each validated already). */
function checkExport(
  value: unknown,
  items: (ImportItem | InvalidItem)[],
  path: string,
): LoadedExport {
  const kind = kindOf(value);
  if (kind !== undefined && kind !== "export") throw wrongKind(kind, "export", path);
  const file = FileSchema.safeParse(value);
  if (!file.success) throw schemaError(`Invalid export file "${path}"`, file.error.issues);
  const version = file.data.FormatVersion ?? 1;
  if (version > 2) {
    throw new UsageError(
      `Invalid export file "${path}": FormatVersion ${version} was written by a newer version of this tool; this version reads format 1 (the earlier Python scripts) and 2`,
    );
  }
  const { data } = file;
  const failed = data.FailedQuickConnects ?? [];
  return {
    formatVersion: version,
    failedExports: failed.length,
    failedNames: failed.flatMap((f) => {
      const name = (f as { Name?: unknown } | null)?.Name;
      return typeof name === "string" && name !== "" ? [name] : [];
    }),
    filters: fileFilters(data.Filters),
    source: { instanceId: data.InstanceId, instanceArn: data.InstanceArn, region: data.Region },
    items: refuseDuplicates(items),
  };
}

function fileFilters(f: z.infer<typeof FileFiltersSchema>): Filters | undefined {
  if (!f) return undefined;
  const filters: Filters = {
    include: f.Include ?? [],
    exclude: f.Exclude ?? [],
    types: (f.Types ?? []).filter(isKnownType),
    tags: f.Tags ?? {},
  };
  return isFiltering(filters) ? filters : undefined;
}

/** The export file and the mapping, read and checked before any API call. */
export interface ImportInput {
  data: LoadedExport;
  mapping: Mapping;
}

/**
 * Reads and validates the export file and the mapping: UsageError (exit 2) for anything
 * wrong with either. The export file is read as a stream and each quick connect validated as
 * soon as its text is read, so ten thousand of them never exist as one text or one object
 * graph (peak memory). Anything the stream reader does not expect (bad JSON, an unreadable
 * file) is read again whole, which words the error. `warn` hears about a file far beyond an
 * instance's quota before the reading starts, and once its items are counted.
 */
export async function loadImportInput(
  { path, shown }: Path,
  mappingFile?: Path,
  warn: (message: string) => void = () => {},
): Promise<ImportInput> {
  await checkFileSize(path, shown, warn);
  const items: (ImportItem | InvalidItem)[] = [];
  // Standard input ("-") cannot be read a second time to word an error: it is read whole.
  const read = path === "-" ? undefined : await readObjectStream(
    path,
    "QuickConnects",
    (raw, i) => items.push(validateItem(raw, i)),
  ).catch(() => undefined);
  const data = read
    ? checkExport(
      read.streamed ? { ...read.members, QuickConnects: [] } : read.members,
      items,
      shown,
    )
    : parseExport(
      parseJson(await readJsonText(path, "export file", shown), "export file", shown),
      shown,
    );
  checkItemCount(data.items.length, shown, warn);
  const mapping = mappingFile
    ? await loadMapping(mappingFile.path, mappingFile.shown)
    : emptyMapping();
  return { data, mapping };
}
