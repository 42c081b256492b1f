/**
 * Seed fixture format (docs/emulator.md "Fixture format"): parsing and validation.
 *
 * The same format comes back from `GET /__emulator/state`, so a dumped state can
 * be fed back in as a seed. IDs are optional here; the state layer fills in
 * random UUIDs for missing ones.
 */
import { z } from "zod";
import {
  CONFIG_SHAPES,
  CONTACT_FLOW_STATES,
  CONTACT_FLOW_STATUSES,
  CONTACT_FLOW_TYPES,
  E164,
  INSTANCE_ALIAS,
  LIMITS,
  QUICK_CONNECT_TYPES,
  REGION,
  TAG_KEY,
} from "./model.ts";

/** Seeded IDs are ours to bound (the model limits only ContactFlowId, to 500). */
const id = z.string().min(1).max(256);
const len = (r: { min: number; max: number }) => z.string().min(r.min).max(r.max);

const QuickConnectConfigSchema = z.object({
  QuickConnectType: z.enum(QUICK_CONNECT_TYPES),
  UserConfig: z.object({ UserId: id, ContactFlowId: id }).optional(),
  QueueConfig: z.object({ QueueId: id, ContactFlowId: id }).optional(),
  PhoneConfig: z.object({ PhoneNumber: z.string().regex(E164) }).optional(),
  FlowConfig: z.object({ ContactFlowId: id }).optional(),
}).superRefine((c, ctx) => {
  const member = CONFIG_SHAPES[c.QuickConnectType].member;
  if (c[member] === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `QuickConnectType ${c.QuickConnectType} needs ${member}`,
      path: [member],
    });
  }
});

export type QuickConnectConfig = z.infer<typeof QuickConnectConfigSchema>;

const TagsSchema = z.record(len(LIMITS.tagKey).regex(TAG_KEY), len(LIMITS.tagValue));

const InstanceSchema = z.object({
  Id: id.optional(),
  Alias: len(LIMITS.instanceAlias).regex(
    INSTANCE_ALIAS,
    `Alias must match ${INSTANCE_ALIAS.source}`,
  ),
  Region: z.string().regex(REGION, "Region like us-east-1"),
  AccountId: z.string().regex(/^\d{12}$/, "AccountId must be 12 digits"),
  QuickConnectQuota: z.number().int().min(0).optional(),
  Users: z.array(z.object({ Id: id.optional(), Username: len(LIMITS.username) })).default(
    [],
  ),
  Queues: z.array(z.object({
    Id: id.optional(),
    Name: len(LIMITS.queueName),
    // AGENT queues are derived from Users, one per user, so the seed only holds STANDARD ones.
    QueueType: z.literal("STANDARD", {
      error: "only STANDARD queues are seeded; AGENT queues are derived from Users",
    }).default("STANDARD"),
  })).default([]),
  ContactFlows: z.array(z.object({
    Id: id.optional(),
    Name: z.string().min(1),
    ContactFlowType: z.enum(CONTACT_FLOW_TYPES),
    ContactFlowState: z.enum(CONTACT_FLOW_STATES).optional(),
    ContactFlowStatus: z.enum(CONTACT_FLOW_STATUSES).optional(),
  })).default([]),
  QuickConnects: z.array(z.object({
    QuickConnectId: id.optional(),
    Name: len(LIMITS.quickConnectName),
    Description: len(LIMITS.createDescription).optional(),
    QuickConnectConfig: QuickConnectConfigSchema,
    Tags: TagsSchema.optional(),
  })).default([]),
  QueueQuickConnects: z.record(z.string(), z.array(z.string())).default({}),
  // Queues are named by Id or by Name here (a seed is written by hand); the state dump
  // gives Ids.
  RoutingProfiles: z.array(z.object({
    RoutingProfileId: id.optional(),
    Name: len(LIMITS.routingProfileName),
    Description: len(LIMITS.routingProfileDescription).optional(),
    DefaultOutboundQueueId: id,
    AssociatedQueueIds: z.array(id).default([]),
    AssociatedManualAssignmentQueueIds: z.array(id).default([]),
    NumberOfAssociatedUsers: z.number().int().min(0).default(0),
    IsDefault: z.boolean().default(false),
    Tags: TagsSchema.optional(),
  })).default([]),
});

export const FixtureSchema = z.object({ Instances: z.array(InstanceSchema) });

/** A fixture as written by hand: optional fields may be absent. */
export type FixtureInput = z.input<typeof FixtureSchema>;
/** A fixture after defaults are applied. */
export type Fixture = z.output<typeof FixtureSchema>;
export type FixtureInstance = Fixture["Instances"][number];
export type FixtureRoutingProfile = FixtureInstance["RoutingProfiles"][number];

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
