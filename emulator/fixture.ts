/**
 * Seed fixture format (docs/emulator.md "Fixture format"): parsing and validation.
 *
 * The same format comes back from `GET /__emulator/state`, so a dumped state can
 * be fed back in as a seed. IDs are optional here; the state layer fills in
 * random UUIDs for missing ones.
 */
import { z } from "zod";
import { KNOWN_TYPES, type KnownType, typeInfo } from "../lib/quick_connect.ts";

/** The QuickConnectType enum (docs/connect-api.md §4): the types of lib/quick_connect.ts. */
export const QUICK_CONNECT_TYPES = KNOWN_TYPES as readonly [KnownType, ...KnownType[]];
export const CONTACT_FLOW_TYPES = [
  "CONTACT_FLOW",
  "CUSTOMER_QUEUE",
  "CUSTOMER_HOLD",
  "CUSTOMER_WHISPER",
  "AGENT_HOLD",
  "AGENT_WHISPER",
  "OUTBOUND_WHISPER",
  "AGENT_TRANSFER",
  "QUEUE_TRANSFER",
  "CAMPAIGN",
] as const;
export const QUEUE_TYPES = ["STANDARD", "AGENT"] as const;

export type QuickConnectType = (typeof QUICK_CONNECT_TYPES)[number];
export type ContactFlowType = (typeof CONTACT_FLOW_TYPES)[number];
export type QueueType = (typeof QUEUE_TYPES)[number];

const id = z.string().min(1).max(256);

const QuickConnectConfigSchema = z.object({
  QuickConnectType: z.enum(QUICK_CONNECT_TYPES),
  UserConfig: z.object({ UserId: id, ContactFlowId: id }).optional(),
  QueueConfig: z.object({ QueueId: id, ContactFlowId: id }).optional(),
  PhoneConfig: z.object({ PhoneNumber: z.string().regex(/^\+[1-9]\d{1,14}$/) }).optional(),
  FlowConfig: z.object({ ContactFlowId: id }).optional(),
}).superRefine((c, ctx) => {
  const member = typeInfo(c.QuickConnectType)?.member as keyof typeof c;
  if (c[member] === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `QuickConnectType ${c.QuickConnectType} needs ${member}`,
      path: [member],
    });
  }
});

export type QuickConnectConfig = z.infer<typeof QuickConnectConfigSchema>;

const TagsSchema = z.record(
  z.string().min(1).max(128).regex(/^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u),
  z.string().max(256),
);

const InstanceSchema = z.object({
  Id: id.optional(),
  Alias: z.string().min(1).max(45).regex(
    /^(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$/,
    "Alias must match ^(?!d-)([\\da-zA-Z]+)([-]*[\\da-zA-Z])*$",
  ),
  Region: z.string().regex(/^[a-z]{2}(-[a-z]+){1,2}(-[0-9])?$/, "Region like us-east-1"),
  AccountId: z.string().regex(/^\d{12}$/, "AccountId must be 12 digits"),
  QuickConnectQuota: z.number().int().min(0).optional(),
  Users: z.array(z.object({ Id: id.optional(), Username: z.string().min(1).max(100) })).default(
    [],
  ),
  Queues: z.array(z.object({
    Id: id.optional(),
    Name: z.string().min(1).max(256),
    // AGENT queues are derived from Users, one per user, so the seed only holds STANDARD ones.
    QueueType: z.literal("STANDARD", {
      error: "only STANDARD queues are seeded; AGENT queues are derived from Users",
    }).default("STANDARD"),
  })).default([]),
  ContactFlows: z.array(z.object({
    Id: id.optional(),
    Name: z.string().min(1),
    ContactFlowType: z.enum(CONTACT_FLOW_TYPES),
    ContactFlowState: z.enum(["ACTIVE", "ARCHIVED"]).optional(),
    ContactFlowStatus: z.enum(["PUBLISHED", "SAVED"]).optional(),
  })).default([]),
  QuickConnects: z.array(z.object({
    QuickConnectId: id.optional(),
    Name: z.string().min(1).max(127),
    Description: z.string().min(1).max(250).optional(),
    QuickConnectConfig: QuickConnectConfigSchema,
    Tags: TagsSchema.optional(),
  })).default([]),
  QueueQuickConnects: z.record(z.string(), z.array(z.string())).default({}),
});

export const FixtureSchema = z.object({ Instances: z.array(InstanceSchema) });

/** A fixture as written by hand: optional fields may be absent. */
export type FixtureInput = z.input<typeof FixtureSchema>;
/** A fixture after defaults are applied. */
export type Fixture = z.output<typeof FixtureSchema>;
export type FixtureInstance = Fixture["Instances"][number];

/** Raised for a seed that does not match the format; the message lists every problem. */
export class FixtureError extends Error {
  override name = "FixtureError";
}

/** Validates a parsed JSON value as a fixture. */
export function parseFixture(value: unknown, source = "seed"): Fixture {
  const result = FixtureSchema.safeParse(value);
  if (!result.success) {
    throw new FixtureError(`invalid ${source}:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** Reads and validates a fixture file. */
export async function loadFixture(path: string): Promise<Fixture> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new FixtureError(`cannot read seed ${path}: ${e instanceof Error ? e.message : e}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FixtureError(`seed ${path} is not JSON: ${e instanceof Error ? e.message : e}`);
  }
  return parseFixture(json, `seed ${path}`);
}
