/**
 * The `--mapping FILE`: source user/queue/flow (by ID or name) → target (by name or ID),
 * and source phone number → target phone number. Every section is optional; a misspelt
 * section is an error, not a silently ignored key.
 */
import { z } from "zod";
import { readJson, writeJsonAtomic } from "../json_file.ts";
import { E164 } from "../quick_connect.ts";
import { schemaError } from "../schema_error.ts";

/** One source reference that did not resolve, with what it holds up (a template's entry). */
export interface Unresolved {
  kind: "user" | "queue" | "flow";
  id: string;
  name?: string;
  /** Quick connects that fail for want of it. */
  quickConnects: number;
  /** Queue links that cannot be made for want of it. */
  links: number;
}

export const MAPPING_SECTIONS = ["Users", "Queues", "ContactFlows", "PhoneNumbers"] as const;
type MappingSection = (typeof MAPPING_SECTIONS)[number];

export type Mapping = Record<MappingSection, Map<string, string>>;

const entries = z.record(
  z.string().min(1, { error: "keys must not be empty" }),
  z.string({ error: "must be a string (a target name or ID)" }).min(1, {
    error: "must not be empty",
  }),
);

/** Also a saved plan's `Mapping` (plan_file.ts). */
export const MappingSchema = z.strictObject({
  Users: entries.optional(),
  Queues: entries.optional(),
  ContactFlows: entries.optional(),
  PhoneNumbers: z.record(
    z.string(),
    z.string().regex(E164, { error: "must be an E.164 phone number such as +14155550100" }),
  ).superRefine((m, ctx) => {
    // Checked here rather than as a key schema: zod reports a bad key only as "Invalid key".
    for (const k of Object.keys(m)) {
      if (!E164.test(k)) {
        ctx.addIssue({
          code: "custom",
          path: [k],
          message: "keys must be E.164 phone numbers such as +14155550100",
        });
      }
    }
  }).optional(),
}, {
  error: (iss) =>
    iss.code === "unrecognized_keys"
      ? `unknown section(s) ${
        iss.keys.map((k) => JSON.stringify(k)).join(", ")
      }; the sections are ${MAPPING_SECTIONS.join(", ")}`
      : "must be a JSON object with the sections Users, Queues, ContactFlows, PhoneNumbers",
});

export function emptyMapping(): Mapping {
  return Object.fromEntries(MAPPING_SECTIONS.map((s) => [s, new Map()])) as Mapping;
}

export function parseMapping(value: unknown, path: string): Mapping {
  const r = MappingSchema.safeParse(value);
  if (!r.success) throw schemaError(`Invalid mapping file "${path}"`, r.error.issues);
  const m = emptyMapping();
  for (const s of MAPPING_SECTIONS) {
    for (const [k, v] of Object.entries(r.data[s] ?? {})) m[s].set(k, v);
  }
  return m;
}

export async function loadMapping(path: string, shown = path): Promise<Mapping> {
  return parseMapping(await readJson(path, "mapping file", shown), shown);
}

/** The entry for a source resource: by its ID first, then by its name. */
export function lookup(
  mapping: Mapping,
  section: MappingSection,
  sourceId: string | undefined,
  sourceName: string | undefined,
): { key: string; value: string } | undefined {
  const key = [sourceId, sourceName].find((k) => k !== undefined && mapping[section].has(k));
  return key === undefined ? undefined : { key, value: mapping[section].get(key)! };
}

/** `Users["jdoe"]` */
export const entryName = (section: MappingSection, key: string): string =>
  `${section}[${JSON.stringify(key)}]`;

export const SECTION_OF = {
  user: "Users",
  queue: "Queues",
  flow: "ContactFlows",
  phone: "PhoneNumbers",
} as const;

/**
 * A --mapping file with an empty target for every unresolved source reference (by its
 * name where the file has one, else its ID), beside the entries the mapping already had.
 * The empty values make it fail to load until they are filled in: it cannot be used half
 * done by mistake. Returns how many entries are to be filled in.
 */
export async function writeMappingTemplate(
  path: string,
  unresolved: readonly Unresolved[],
  mapping: Mapping,
): Promise<number> {
  const out: Record<string, Record<string, string>> = {};
  for (const s of MAPPING_SECTIONS) out[s] = Object.fromEntries(mapping[s]);
  let n = 0;
  for (const u of unresolved) {
    const section = out[SECTION_OF[u.kind]]!;
    const key = u.name ?? u.id;
    if (key in section) continue;
    section[key] = "";
    n++;
  }
  for (const s of MAPPING_SECTIONS) if (Object.keys(out[s]!).length === 0) delete out[s];
  await writeJsonAtomic(path, out);
  return n;
}
