/**
 * The service's model as the emulator holds it: quick connect types and their config
 * members, the enums, the length and size limits, the patterns and the default quotas.
 *
 * The emulator stands for Amazon Connect, not for this project's tool, so these facts are
 * its own and written from the service's public model; nothing here comes from lib/
 * (tests/emulator_model_test.ts holds the tool's table against this one). Sources, cited
 * by short name below:
 *
 * - MODEL: the Amazon Connect Smithy model, service `connect` 2017-08-08, as published in
 *   aws/api-models-aws (`models/connect/service/2017-08-08/connect-2017-08-08.json`) and
 *   compiled into aws-sdk-js-v3 `clients/client-connect` (the pinned
 *   npm:@aws-sdk/client-connect@3.1136.0); botocore's `connect/2017-08-08/service-2.json`
 *   carries the same constraints.
 * - API REF: the Amazon Connect API Reference page of the named action or data type
 *   (https://docs.aws.amazon.com/connect/latest/APIReference/API_<Name>.html), generated
 *   from MODEL.
 * - QUOTAS: Service Quotas default values for service code `connect`
 *   (ListAWSDefaultServiceQuotas, us-east-1), with the quota code of each; bursts from the
 *   Admin Guide page "Amazon Connect service quotas" (amazon-connect-service-limits), and
 *   the API Reference page "Best practices for Amazon Connect APIs" (throttling is per
 *   account and Region, per API, answered with HTTP 429).
 *
 * docs/connect-api.md gathers the same facts for readers (§4 types and names, §6 tags,
 * §7 flows, §8 quotas, §10 what no source settles). Where the sources leave a behaviour
 * open, the emulator's choice is marked UNVERIFIED and, where a tool could depend on it,
 * switchable (see Modes in routes.ts).
 */

// ---------------------------------------------------------------- quick connect types

/** Enum QuickConnectType (MODEL; API REF QuickConnectConfig). FLOW was added in late 2025. */
export const QUICK_CONNECT_TYPES = ["USER", "QUEUE", "PHONE_NUMBER", "FLOW"] as const;
export type QuickConnectType = (typeof QUICK_CONNECT_TYPES)[number];

/** What a config field holds: the ID of a user, a queue or a flow, or a phone number. */
export type FieldKind = "user" | "queue" | "flow" | "phone";

/** The QuickConnectConfig member of a type and the members of that sub-structure. */
export interface ConfigShape {
  member: "UserConfig" | "QueueConfig" | "PhoneConfig" | "FlowConfig";
  /** Every member is required (MODEL), in the model's member order. */
  fields: Readonly<Record<string, FieldKind>>;
}

/**
 * QuickConnectConfig is a plain structure, not a union (MODEL): UserConfig
 * (UserQuickConnectConfig: UserId, ContactFlowId) "is required only if QuickConnectType is
 * USER", QueueConfig (QueueQuickConnectConfig: QueueId, ContactFlowId) only if QUEUE,
 * PhoneConfig (PhoneNumberQuickConnectConfig: PhoneNumber) only if PHONE_NUMBER, and
 * FlowConfig (FlowQuickConnectConfig: ContactFlowId) goes with FLOW (API REF of each).
 */
export const CONFIG_SHAPES = {
  USER: { member: "UserConfig", fields: { UserId: "user", ContactFlowId: "flow" } },
  QUEUE: { member: "QueueConfig", fields: { QueueId: "queue", ContactFlowId: "flow" } },
  PHONE_NUMBER: { member: "PhoneConfig", fields: { PhoneNumber: "phone" } },
  FLOW: { member: "FlowConfig", fields: { ContactFlowId: "flow" } },
} as const satisfies Record<QuickConnectType, ConfigShape>;

/** The four sub-config members, in the order of QUICK_CONNECT_TYPES. */
export const CONFIG_MEMBERS: readonly ConfigShape["member"][] = QUICK_CONNECT_TYPES.map((t) =>
  CONFIG_SHAPES[t].member
);

export const isQuickConnectType = (type: unknown): type is QuickConnectType =>
  typeof type === "string" && Object.hasOwn(CONFIG_SHAPES, type);

// ---------------------------------------------------------------- other enums

/** Enum ContactFlowType (MODEL; API REF ContactFlowSummary). */
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
export type ContactFlowType = (typeof CONTACT_FLOW_TYPES)[number];

/** Enums ContactFlowState and ContactFlowStatus (MODEL; API REF ContactFlowSummary). */
export const CONTACT_FLOW_STATES = ["ACTIVE", "ARCHIVED"] as const;
export const CONTACT_FLOW_STATUSES = ["PUBLISHED", "SAVED"] as const;

/** Enum QueueType (MODEL; API REF QueueSummary). */
export const QUEUE_TYPES = ["STANDARD", "AGENT"] as const;
export type QueueType = (typeof QUEUE_TYPES)[number];

// ---------------------------------------------------------------- flow types

/**
 * The flow type a quick connect's flow must have, where the model says so: "The contact
 * flow must be of type Transfer to Agent" (UserQuickConnectConfig) and "The flow must be
 * of type Transfer to Queue" (QueueQuickConnectConfig), i.e. the ContactFlowType values
 * AGENT_TRANSFER and QUEUE_TRANSFER (MODEL docs; API REF of both data types).
 */
export const SETTLED_FLOW_TYPES = {
  USER: "AGENT_TRANSFER",
  QUEUE: "QUEUE_TRANSFER",
} as const satisfies Partial<Record<QuickConnectType, ContactFlowType>>;

/**
 * FLOW is UNVERIFIED: FlowQuickConnectConfig's doc names no flow type; the Admin Guide page
 * "agent-initiated-flows" says only inbound flows are supported, which reads as
 * CONTACT_FLOW. That is the emulator's default; the mode flowQuickConnectFlowType can make
 * it another type or any type.
 */
export const DEFAULT_FLOW_QUICK_CONNECT_FLOW_TYPE: ContactFlowType = "CONTACT_FLOW";

// ---------------------------------------------------------------- limits

/** An inclusive range on a string's length (in code points) or a list's or map's size. */
export interface Range {
  min: number;
  max: number;
}

/** Length and size constraints (MODEL `smithy.api#length` / `range`; API REF of each action). */
export const LIMITS = {
  /** InstanceId: 1–100. */
  instanceId: { min: 1, max: 100 },
  /** QuickConnectName (CreateQuickConnect, UpdateQuickConnectName): 1–127. */
  quickConnectName: { min: 1, max: 127 },
  /** QuickConnectDescription (CreateQuickConnect): 1–250; an empty one is invalid. */
  createDescription: { min: 1, max: 250 },
  /** UpdateQuickConnectDescription (UpdateQuickConnectName): 0–250; empty clears it. */
  updateDescription: { min: 0, max: 250 },
  /** ContactFlowId: at most 500. UserId, QueueId and QuickConnectId have no length limit. */
  contactFlowId: { min: 0, max: 500 },
  /** TagMap: 1–50 entries. */
  tags: { min: 1, max: 50 },
  /** TagKey: 1–128. */
  tagKey: { min: 1, max: 128 },
  /** TagValue: 0–256. */
  tagValue: { min: 0, max: 256 },
  /** TagKeyList (UntagResource `tagKeys`): 1–50. */
  tagKeys: { min: 1, max: 50 },
  /** QuickConnectsList (Associate/DisassociateQueueQuickConnects): 1–50 IDs per call. */
  quickConnectIdsPerCall: { min: 1, max: 50 },
  /** QuickConnectTypes (ListQuickConnects filter): 0–4 values. */
  quickConnectTypesFilter: { min: 0, max: 4 },
  /** QueueTypes (ListQueues filter): 0–2 values. */
  queueTypesFilter: { min: 0, max: 2 },
  /** ContactFlowTypes (ListContactFlows filter): 0–10 values. */
  contactFlowTypesFilter: { min: 0, max: 10 },
  /** MaxResult1000: the List* operations except the two below. */
  maxResults1000: { min: 1, max: 1000 },
  /** MaxResult500: SearchRoutingProfiles. */
  maxResults500: { min: 1, max: 500 },
  /** MaxResult100: SearchQuickConnects and ListQueueQuickConnects. */
  maxResults100: { min: 1, max: 100 },
  /** MaxResult10: ListInstances. */
  maxResults10: { min: 1, max: 10 },
  /** NextToken2500 (SearchQuickConnects, SearchRoutingProfiles). */
  nextToken2500: { min: 1, max: 2500 },
  /** AgentUsername: 1–100. */
  username: { min: 1, max: 100 },
  /** QueueName: 1–256. */
  queueName: { min: 1, max: 256 },
  /** RoutingProfileName: 1–127. */
  routingProfileName: { min: 1, max: 127 },
  /** RoutingProfileDescription: 1–250. */
  routingProfileDescription: { min: 1, max: 250 },
  /** DirectoryAlias (InstanceAlias): 1–45. */
  instanceAlias: { min: 1, max: 45 },
} as const satisfies Record<string, Range>;

/**
 * Page sizes when MaxResults is absent: "The default MaxResult size is 100" (API REF
 * ListQuickConnects, ListUsers, ListQueues, ListContactFlows, ListQueueQuickConnects).
 * SearchQuickConnects documents none (we use 100, its maximum); SearchRoutingProfiles neither
 * (we use 100 too, below its maximum of 500, so a caller that leaves MaxResults out pays for
 * it in calls); ListInstances neither (10).
 */
export const DEFAULT_PAGE_SIZE = 100;
export const DEFAULT_INSTANCES_PAGE_SIZE = 10;

// ---------------------------------------------------------------- patterns

/**
 * PhoneNumber in E.164 ("The phone number in E.164 format", PhoneNumberQuickConnectConfig).
 * The model's own pattern is escaped twice, so read literally it would demand backslashes;
 * its SensitivePhoneNumber shape and the CloudFormation AWS::Connect::QuickConnect schema
 * give the intended `^\+[1-9]\d{1,14}$`.
 */
export const E164 = /^\+[1-9]\d{1,14}$/;

/** TagKey (MODEL): no `aws:` prefix (case-sensitive lookahead), letters, spaces, digits, _.:/=+-@. */
export const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** DirectoryAlias (MODEL; API REF Instance). */
export const INSTANCE_ALIAS = /^(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$/;

/** AwsRegion / RegionName (MODEL). */
export const REGION = /^[a-z]{2}(-[a-z]+){1,2}(-[0-9])?$/;

// ---------------------------------------------------------------- quotas

/** A token bucket: steady requests per second and the bucket size. */
export interface RateQuota {
  rate: number;
  burst: number;
}

/** The generic default: "a RateLimit of 2 requests per second, and a BurstLimit of 5" (QUOTAS). */
export const GENERIC_RATE_QUOTA: RateQuota = { rate: 2, burst: 5 };

/**
 * The operations whose default rate Service Quotas lists as 10/s (QUOTAS, with the quota
 * codes); every other operation has the generic 2/s (SearchRoutingProfiles has no line of its
 * own in QUOTAS, so it is one of them). Service Quotas publishes rates only:
 * the burst of 10 for these is UNVERIFIED (ours: one second's worth).
 */
export const RAISED_RATE_QUOTAS: Readonly<Record<string, RateQuota & { code: string }>> = {
  ListQuickConnects: { rate: 10, burst: 10, code: "L-44B5DA37" },
  DescribeQuickConnect: { rate: 10, burst: 10, code: "L-2DE43297" },
  ListUsers: { rate: 10, burst: 10, code: "L-CCC38177" },
  DescribeUser: { rate: 10, burst: 10, code: "L-EE6F0D82" },
  ListQueues: { rate: 10, burst: 10, code: "L-C56E3A3C" },
  ListQueueQuickConnects: { rate: 10, burst: 10, code: "L-6271E27A" },
};

/**
 * "Quick connects per instance": default 100, adjustable, quota code L-68BBE2E8 (QUOTAS).
 * Going over it is answered LimitExceededException, the one quota error CreateQuickConnect
 * models (UNVERIFIED against the live service).
 */
export const DEFAULT_QUICK_CONNECTS_PER_INSTANCE = 100;

// ---------------------------------------------------------------- routing profiles

/**
 * What a routing profile is to the emulator: the queues its agents take contacts from (its
 * `AssociatedQueueIds`), its default outbound queue, its manual-assignment queues and how
 * many users it has, as SearchRoutingProfiles returns them (MODEL RoutingProfile; API REF
 * SearchRoutingProfiles). That operation "does not populate LastModifiedRegion,
 * LastModifiedTime, MediaConcurrencies.CrossChannelBehavior, and AgentAvailabilityTimer"
 * (MODEL doc), so the emulator leaves them out, and MediaConcurrencies too (not modelled).
 * Agents see, when they transfer, the quick connects linked to the queues of their routing
 * profile, the default outbound queue included (Admin Guide "transfers" and
 * "quick-connects" pages; docs/connect-api.md §11); the emulator only serves the data.
 *
 * UNVERIFIED, the emulator's choice: AssociatedQueueIds lists each queue once, whatever
 * channels it serves (the model does not say whether a queue comes once per channel), and
 * NumberOfAssociatedQueues is the length of that list.
 */
export const ROUTING_PROFILE_ARN_KIND = "routing-profile";
