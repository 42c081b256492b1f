/**
 * What this tool knows about quick connect types, in one table (a new type is one row): the
 * config member each carries, its fields, what each points to, and the flow type it needs.
 */
import type { QuickConnectConfig } from "@aws-sdk/client-connect";

/** What a config field holds: the ID of a user, queue or flow, or a phone number. */
export type RefKind = "user" | "queue" | "flow" | "phone";

interface QuickConnectTypeInfo {
  /** The member of QuickConnectConfig that holds this type's settings. */
  member: "UserConfig" | "QueueConfig" | "PhoneConfig" | "FlowConfig";
  /** The member's fields, in the order they are written, and what each refers to. */
  fields: Readonly<Record<string, RefKind>>;
  /** The contact flow type the referenced flow must have (docs/connect-api.md §4). */
  flowType?: string;
}

/**
 * USER → agent transfer flow, QUEUE → queue transfer flow (API model docs). FLOW takes an
 * inbound flow; CONTACT_FLOW is our reading of "Only Inbound Flows" (admin guide).
 */
export const QUICK_CONNECT_TYPES = {
  USER: {
    member: "UserConfig",
    fields: { UserId: "user", ContactFlowId: "flow" },
    flowType: "AGENT_TRANSFER",
  },
  QUEUE: {
    member: "QueueConfig",
    fields: { QueueId: "queue", ContactFlowId: "flow" },
    flowType: "QUEUE_TRANSFER",
  },
  PHONE_NUMBER: { member: "PhoneConfig", fields: { PhoneNumber: "phone" } },
  FLOW: { member: "FlowConfig", fields: { ContactFlowId: "flow" }, flowType: "CONTACT_FLOW" },
} as const satisfies Record<string, QuickConnectTypeInfo>;

export type KnownType = keyof typeof QUICK_CONNECT_TYPES;
export const KNOWN_TYPES: readonly KnownType[] = Object.keys(QUICK_CONNECT_TYPES) as KnownType[];

export function isKnownType(type: unknown): type is KnownType {
  return typeof type === "string" && Object.hasOwn(QUICK_CONNECT_TYPES, type);
}

export function typeInfo(type: unknown): QuickConnectTypeInfo | undefined {
  return isKnownType(type) ? QUICK_CONNECT_TYPES[type] : undefined;
}

/** The type's fields as `[field, kind, value]`, read from a config of that type. */
export function configRefs(
  config: QuickConnectConfig | undefined,
): { field: string; kind: RefKind; value: string | undefined }[] {
  const info = typeInfo(config?.QuickConnectType);
  if (!info || !config) return [];
  const sub = config[info.member] as Record<string, unknown> | undefined;
  return Object.entries(info.fields).map(([field, kind]) => {
    const v = sub?.[field];
    return { field, kind, value: typeof v === "string" ? v : undefined };
  });
}

/** A config of a known type with exactly the type's member and fields, in a fixed order. */
export function buildConfig(type: KnownType, values: Record<string, string>): QuickConnectConfig {
  const info = QUICK_CONNECT_TYPES[type];
  const sub: Record<string, string> = {};
  for (const field of Object.keys(info.fields)) sub[field] = values[field] ?? "";
  return { QuickConnectType: type, [info.member]: sub } as QuickConnectConfig;
}

/** `aws:` tags belong to AWS: they cannot be set, removed or imported. */
export const isReservedTag = (key: string): boolean => key.toLowerCase().startsWith("aws:");

/** API limits a file is checked against before any call (docs/connect-api.md §4). */
export const LIMITS = {
  nameMax: 127,
  descriptionMax: 250,
  idMax: 500,
  tagsMax: 50,
  tagKeyMax: 128,
  tagValueMax: 256,
  /** IDs per AssociateQueueQuickConnects call. */
  linksPerCall: 50,
} as const;

/** E.164 as docs/connect-api.md §4 says to check it (the model's pattern is double-escaped). */
export const E164 = /^\+[1-9]\d{1,14}$/;
/** Tag key characters; `aws:` keys are dropped before this check, not rejected. */
export const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
