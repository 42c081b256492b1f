/**
 * The 20 Amazon Connect operations: route table (docs/connect-api.md §2) and handlers.
 *
 * Handlers get decoded path labels, the query string and the parsed JSON body,
 * and return the JSON response object, or `UNIT` for operations whose output is
 * `smithy.api#Unit`: those are answered 200 with an empty body
 * (`Content-Length: 0`), as restJson1 does. The AWS SDK v3 and the AWS CLI v1
 * both accept that (tested).
 */
import {
  ApiError,
  duplicate,
  invalidParameter,
  invalidRequest,
  limitExceeded,
  notFound,
} from "./errors.ts";
import type { QuickConnectConfig } from "./fixture.ts";
import {
  CONFIG_SHAPES,
  type ContactFlowType,
  DEFAULT_INSTANCES_PAGE_SIZE,
  DEFAULT_PAGE_SIZE,
  type FieldKind,
  LIMITS,
  ROUTING_PROFILE_ARN_KIND,
  SETTLED_FLOW_TYPES,
} from "./model.ts";
import { paginate } from "./paging.ts";
import { compileCriteria, compileFilter, criteriaOf, ROUTING_PROFILE_FIELDS } from "./search.ts";
import {
  type EmulatorState,
  type InstanceRec,
  nowSeconds,
  parseConnectArn,
  type QueueRec,
  quickConnectArn,
  type QuickConnectRec,
  type RoutingProfileRec,
  type Tagged,
} from "./state.ts";
import {
  bodyMaxResults,
  contactFlowTypes,
  type Json,
  optString,
  queryMaxResults,
  queueTypes,
  quickConnectConfig,
  quickConnectIds,
  quickConnectTypes,
  reqString,
  tagKeyList,
  tagMap,
} from "./validate.ts";

/** Behaviours the live service leaves open (docs/live-service.md), chosen per emulator. */
export interface Modes {
  /** SearchQuickConnects results carry no `Tags` member (Describe still does). */
  searchOmitsTags: boolean;
  /** DeleteQuickConnect of a quick connect still linked to a queue is refused. */
  deleteRefusesLinked: boolean;
  /**
   * The flow type a FLOW quick connect's flow must have, or "ANY" for no check. The
   * service's rule is UNVERIFIED (model.ts DEFAULT_FLOW_QUICK_CONNECT_FLOW_TYPE).
   */
  flowQuickConnectFlowType: ContactFlowType | "ANY";
  /** A quick connect may not name an ARCHIVED flow (UNVERIFIED; by default it may). */
  refusesArchivedFlows: boolean;
  /** Names are unique regardless of case: "Sales Desk" takes "sales desk" too. */
  namesIgnoreCase: boolean;
}

export interface Call {
  operation: string;
  labels: Record<string, string>;
  query: URLSearchParams;
  body: Json;
  /** Signing region = the regional endpoint the client addressed. */
  region: string;
  state: EmulatorState;
  modes: Modes;
}

/** What a handler returns for a `smithy.api#Unit` output: an empty 200 response. */
export const UNIT: unique symbol = Symbol("Unit");

export type Handler = (call: Call) => Json | typeof UNIT;

export interface Route {
  operation: string;
  method: string;
  /** Path segments; `{Label}` segments capture one percent-decoded segment. */
  segments: string[];
  handler: Handler;
  /**
   * True for operations that change state. Not derivable from the method:
   * SearchQuickConnects and SearchRoutingProfiles are POSTs that only read. Tests and the demo take their
   * lists of mutating operations from here (MUTATING_OPERATIONS).
   */
  mutates: boolean;
  /** True for operations whose output is `smithy.api#Unit` (empty body). */
  unit: boolean;
}

// ---------------------------------------------------------------- helpers

function instanceOf(call: Call, idOrArn: string | undefined): InstanceRec {
  const id = idOrArn ?? "";
  const { min, max } = LIMITS.instanceId;
  if (id.length < min || id.length > max) {
    throw invalidParameter(
      `1 validation error detected: Value '${id}' at 'instanceId' failed to satisfy constraint: Member must have length between ${min} and ${max}`,
    );
  }
  const inst = call.state.findInstance(id, call.region);
  if (!inst) throw notFound(`Instance not found: ${id}`);
  return inst;
}

function quickConnectOf(call: Call, inst: InstanceRec, id: string | undefined): QuickConnectRec {
  const qc = call.state.findQuickConnect(inst, id ?? "");
  // Quoted, so an empty ID is still named.
  if (!qc) throw notFound(`QuickConnect not found: '${id ?? ""}'`);
  return qc;
}

function queueOf(inst: InstanceRec, id: string | undefined): QueueRec {
  const q = inst.queues.get(id ?? "");
  if (!q) throw notFound(`Queue not found: ${id}`);
  return q;
}

const label = (call: Call, name: string): string => call.labels[name] ?? "";

function fullQuickConnect(qc: QuickConnectRec, withTags = true): Json {
  return {
    QuickConnectARN: qc.arn,
    QuickConnectId: qc.id,
    Name: qc.name,
    ...(qc.description !== undefined ? { Description: qc.description } : {}),
    QuickConnectConfig: structuredClone(qc.config),
    ...(withTags && Object.keys(qc.tags).length > 0 ? { Tags: { ...qc.tags } } : {}),
    LastModifiedTime: qc.lastModified,
    LastModifiedRegion: qc.lastModifiedRegion,
  };
}

function quickConnectSummary(qc: QuickConnectRec): Json {
  return {
    Id: qc.id,
    Arn: qc.arn,
    Name: qc.name,
    QuickConnectType: qc.config.QuickConnectType,
    LastModifiedTime: qc.lastModified,
    LastModifiedRegion: qc.lastModifiedRegion,
  };
}

/** The flow type a quick connect type needs under these modes, or undefined for any. */
function neededFlowType(type: QuickConnectConfig["QuickConnectType"], modes: Modes) {
  if (type === "FLOW") {
    return modes.flowQuickConnectFlowType === "ANY" ? undefined : modes.flowQuickConnectFlowType;
  }
  return type === "USER" || type === "QUEUE" ? SETTLED_FLOW_TYPES[type] : undefined;
}

/** The flow exists, has the flow type its quick connect type needs, and is usable. */
function flowMustBe(
  call: Call,
  inst: InstanceRec,
  flowId: string,
  use: QuickConnectConfig["QuickConnectType"],
) {
  const flow = inst.flows.get(flowId);
  if (!flow) throw invalidParameter(`ContactFlowId ${flowId} does not exist in this instance.`);
  const type = neededFlowType(use, call.modes);
  if (type !== undefined && flow.type !== type) {
    throw invalidParameter(
      `ContactFlowId ${flowId} is of type ${flow.type}; a ${use} quick connect needs a ${type} flow.`,
    );
  }
  if (call.modes.refusesArchivedFlows && flow.state === "ARCHIVED") {
    throw invalidParameter(`ContactFlowId ${flowId} is ARCHIVED.`);
  }
}

/**
 * Checks the references of a config against the instance, field by field in the model's
 * member order (CONFIG_SHAPES says what each field refers to). The flow type each quick
 * connect type needs: USER → AGENT_TRANSFER and QUEUE → QUEUE_TRANSFER are the model's;
 * FLOW's is UNVERIFIED and a mode (default CONTACT_FLOW). Whether ARCHIVED flows may be
 * used is UNVERIFIED too: allowed unless refusesArchivedFlows; unpublished (SAVED) ones
 * are allowed.
 */
function checkReferences(call: Call, inst: InstanceRec, config: QuickConnectConfig): void {
  const shape = CONFIG_SHAPES[config.QuickConnectType];
  const sub = config[shape.member] as Record<string, string> | undefined;
  for (const [field, kind] of Object.entries<FieldKind>(shape.fields)) {
    const id = sub?.[field] ?? "";
    switch (kind) {
      case "user":
        if (!inst.users.has(id)) {
          throw invalidParameter(`${field} ${id} does not exist in this instance.`);
        }
        break;
      case "queue": {
        const q = inst.queues.get(id);
        if (!q) throw invalidParameter(`${field} ${id} does not exist in this instance.`);
        // Agent queues are the target of USER quick connects, not QUEUE ones (our choice).
        if (q.type !== "STANDARD") {
          throw invalidParameter(`${field} ${id} is not a STANDARD queue.`);
        }
        break;
      }
      case "flow":
        flowMustBe(call, inst, id, config.QuickConnectType);
        break;
      case "phone":
        break;
    }
  }
}

/**
 * Names are unique per instance, compared case-sensitively unless the namesIgnoreCase mode
 * says otherwise (the real behaviour is unverified: docs/live-service.md §4), against the
 * current names: a write not yet listed still holds its name.
 */
function checkNameFree(call: Call, inst: InstanceRec, name: string, exceptId?: string): void {
  const fold = (s: string) => call.modes.namesIgnoreCase ? s.toUpperCase().toLowerCase() : s;
  const want = fold(name);
  for (const qc of inst.quickConnects.values()) {
    if (fold(qc.name) === want && qc.id !== exceptId) {
      throw duplicate(`A quick connect with the name ${name} already exists.`);
    }
  }
}

const listMax = (call: Call) =>
  queryMaxResults(call.query.get("maxResults"), LIMITS.maxResults1000.max, DEFAULT_PAGE_SIZE);
const token = (call: Call) => call.query.get("nextToken") ?? undefined;

/** The instance's quick connects as list reads see them now (see EmulatorState.listed). */
function listedQuickConnects(call: Call, inst: InstanceRec): QuickConnectRec[] {
  return [...inst.quickConnects.values()].flatMap((qc) => {
    const shown = call.state.listed(qc);
    return shown ? [shown] : [];
  });
}

// ---------------------------------------------------------------- handlers

const listQuickConnects: Handler = (call) => {
  const types = quickConnectTypes(call.query.getAll("QuickConnectTypes"));
  const max = listMax(call);
  const inst = instanceOf(call, label(call, "InstanceId"));
  const all = listedQuickConnects(call, inst).filter((qc) =>
    types.length === 0 || types.includes(qc.config.QuickConnectType)
  );
  const page = paginate(all, (qc) => qc.id, {
    op: call.operation,
    scope: inst.id,
    token: token(call),
    max,
  });
  return {
    QuickConnectSummaryList: page.items.map(quickConnectSummary),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
};

const describeQuickConnect: Handler = (call) => {
  const inst = instanceOf(call, label(call, "InstanceId"));
  return {
    QuickConnect: fullQuickConnect(quickConnectOf(call, inst, label(call, "QuickConnectId"))),
  };
};

/** Search has no documented default page size; we use DEFAULT_PAGE_SIZE (its maximum). */
const searchQuickConnects: Handler = (call) => {
  const b = call.body;
  const instanceId = reqString(b, "InstanceId", LIMITS.instanceId);
  const next = optString(b, "NextToken", LIMITS.nextToken2500);
  const max = bodyMaxResults(b.MaxResults, LIMITS.maxResults100.max, DEFAULT_PAGE_SIZE);
  const criteria = compileCriteria(b.SearchCriteria);
  const filter = compileFilter(b.SearchFilter);
  const inst = instanceOf(call, instanceId);
  const matching = listedQuickConnects(call, inst).filter((qc) => criteria(qc) && filter(qc));
  const page = paginate(matching, (qc) => qc.id, {
    op: call.operation,
    scope: inst.id,
    token: next,
    max,
  });
  return {
    QuickConnects: page.items.map((qc) => fullQuickConnect(qc, !call.modes.searchOmitsTags)),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    ApproximateTotalCount: matching.length,
  };
};

/** A routing profile as Search returns it: without the members it "does not populate". */
function routingProfileBody(inst: InstanceRec, rp: RoutingProfileRec): Json {
  return {
    InstanceId: inst.id,
    Name: rp.name,
    RoutingProfileArn: rp.arn,
    RoutingProfileId: rp.id,
    ...(rp.description !== undefined ? { Description: rp.description } : {}),
    DefaultOutboundQueueId: rp.defaultOutboundQueueId,
    ...(Object.keys(rp.tags).length > 0 ? { Tags: { ...rp.tags } } : {}),
    NumberOfAssociatedQueues: rp.queueIds.length,
    NumberOfAssociatedManualAssignmentQueues: rp.manualQueueIds.length,
    NumberOfAssociatedUsers: rp.users,
    IsDefault: rp.isDefault,
    AssociatedQueueIds: [...rp.queueIds],
    AssociatedManualAssignmentQueueIds: [...rp.manualQueueIds],
  };
}

/** No default page size is documented; ours is DEFAULT_PAGE_SIZE (model.ts says why). */
const searchRoutingProfiles: Handler = (call) => {
  const b = call.body;
  const instanceId = reqString(b, "InstanceId", LIMITS.instanceId);
  const next = optString(b, "NextToken", LIMITS.nextToken2500);
  const max = bodyMaxResults(b.MaxResults, LIMITS.maxResults500.max, DEFAULT_PAGE_SIZE);
  const criteria = criteriaOf(b.SearchCriteria, ROUTING_PROFILE_FIELDS);
  const filter = compileFilter(b.SearchFilter);
  const inst = instanceOf(call, instanceId);
  const matching = [...inst.routingProfiles.values()].filter((rp) => criteria(rp) && filter(rp));
  const page = paginate(matching, (rp) => rp.id, {
    op: call.operation,
    scope: inst.id,
    token: next,
    max,
  });
  return {
    RoutingProfiles: page.items.map((rp) => routingProfileBody(inst, rp)),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    ApproximateTotalCount: matching.length,
  };
};

const createQuickConnect: Handler = (call) => {
  const b = call.body;
  const name = reqString(b, "Name", LIMITS.quickConnectName);
  const description = optString(b, "Description", LIMITS.createDescription);
  const config = quickConnectConfig(b.QuickConnectConfig);
  const tags = b.Tags === undefined || b.Tags === null ? {} : tagMap(b.Tags, "Tags");
  const inst = instanceOf(call, label(call, "InstanceId"));
  checkReferences(call, inst, config);
  checkNameFree(call, inst, name);
  if (inst.quickConnects.size >= inst.quickConnectQuota) {
    throw limitExceeded(
      `The quick connects per instance quota (${inst.quickConnectQuota}) has been reached.`,
    );
  }
  const id = crypto.randomUUID();
  const settles = call.state.settlesAt();
  const qc: QuickConnectRec = {
    id,
    arn: quickConnectArn(inst, id),
    name,
    description,
    config,
    tags: { ...tags },
    lastModified: nowSeconds(),
    lastModifiedRegion: call.region,
    existsFrom: settles,
    visibleFrom: settles,
    earlier: [],
  };
  inst.quickConnects.set(id, qc);
  return { QuickConnectARN: qc.arn, QuickConnectId: id };
};

/**
 * The model lists no DuplicateResourceException here; renaming onto a taken
 * name is answered with it anyway (the SDK resolves errors service-wide), a
 * choice since the real behaviour is UNVERIFIED.
 */
const updateQuickConnectName: Handler = (call) => {
  const b = call.body;
  const name = optString(b, "Name", LIMITS.quickConnectName);
  const description = optString(b, "Description", LIMITS.updateDescription);
  if (name === undefined && description === undefined) {
    throw invalidParameter("At least Name or Description must be provided.");
  }
  const inst = instanceOf(call, label(call, "InstanceId"));
  const qc = quickConnectOf(call, inst, label(call, "QuickConnectId"));
  if (name !== undefined) checkNameFree(call, inst, name, qc.id);
  call.state.update(qc, (qc) => {
    if (name !== undefined) qc.name = name;
    // An empty description clears it (0 is allowed on update, not on create).
    if (description !== undefined) qc.description = description === "" ? undefined : description;
    qc.lastModified = nowSeconds();
    qc.lastModifiedRegion = call.region;
  });
  return UNIT;
};

/** The type may change with the config; whether Connect allows that is unverified. */
const updateQuickConnectConfig: Handler = (call) => {
  const config = quickConnectConfig(call.body.QuickConnectConfig);
  const inst = instanceOf(call, label(call, "InstanceId"));
  const qc = quickConnectOf(call, inst, label(call, "QuickConnectId"));
  checkReferences(call, inst, config);
  call.state.update(qc, (qc) => {
    qc.config = config;
    qc.lastModified = nowSeconds();
    qc.lastModifiedRegion = call.region;
  });
  return UNIT;
};

/**
 * Deleting an associated quick connect also drops its queue associations, or (mode
 * deleteRefusesLinked) is refused with InvalidRequestException: what Connect does there is
 * UNVERIFIED (docs/live-service.md §14), so the emulator can do either.
 */
const deleteQuickConnect: Handler = (call) => {
  const inst = instanceOf(call, label(call, "InstanceId"));
  const qc = quickConnectOf(call, inst, label(call, "QuickConnectId"));
  if (call.modes.deleteRefusesLinked && [...inst.queues.values()].some((q) => q.links.has(qc.id))) {
    throw invalidRequest("The quick connect is associated with one or more queues.");
  }
  inst.quickConnects.delete(qc.id);
  for (const q of inst.queues.values()) q.links.delete(qc.id);
  return UNIT;
};

/**
 * The resource a tag operation's `{resourceArn}` names: the instance, a queue
 * (standard `…/queue/ID` or agent `…/queue/agent/USER`), a user (`…/agent/ID`),
 * a flow (`…/contact-flow/ID`), a routing profile (`…/routing-profile/ID`) or a quick
 * connect (`…/transfer-destination/ID`),
 * each with its own tags. The ARN must be exactly the one the emulator gives the
 * resource, and in the signing region. A string that is not a Connect ARN is
 * InvalidParameterException; any other unknown ARN is ResourceNotFoundException.
 */
function taggedResource(call: Call): Tagged {
  const raw = label(call, "resourceArn");
  const arn = parseConnectArn(raw);
  if (!arn) throw invalidParameter(`Invalid resourceArn: ${raw}`);
  const inst = call.state.instances.get(arn.instanceId);
  const found = !inst || inst.region !== call.region || arn.region !== call.region
    ? undefined
    : arn.kind === undefined
    ? inst
    : arn.kind === "queue"
    ? inst.queues.get(arn.resourceId ?? "")
    : arn.kind === "agent"
    ? inst.users.get(arn.resourceId ?? "")
    : arn.kind === "contact-flow"
    ? inst.flows.get(arn.resourceId ?? "")
    : arn.kind === "transfer-destination"
    ? call.state.findQuickConnect(inst, arn.resourceId ?? "")
    : arn.kind === ROUTING_PROFILE_ARN_KIND
    ? inst.routingProfiles.get(arn.resourceId ?? "")
    : undefined;
  if (!found || found.arn !== raw) throw notFound(`Resource not found: ${raw}`);
  return found;
}

const listTagsForResource: Handler = (call) => ({ tags: { ...taggedResource(call).tags } });

const tagResource: Handler = (call) => {
  if (call.body.tags === undefined || call.body.tags === null) {
    throw invalidParameter(
      "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
    );
  }
  const tags = tagMap(call.body.tags, "tags");
  const res = taggedResource(call);
  const merged = { ...res.tags, ...tags };
  if (Object.keys(merged).length > 50) {
    throw invalidParameter("A resource can have at most 50 tags.");
  }
  res.tags = merged;
  return UNIT;
};

const untagResource: Handler = (call) => {
  const keys = tagKeyList(call.query.getAll("tagKeys"));
  const res = taggedResource(call);
  for (const k of keys) delete res.tags[k];
  return UNIT;
};

const listUsers: Handler = (call) => {
  const max = listMax(call);
  const inst = instanceOf(call, label(call, "InstanceId"));
  const page = paginate(inst.users.values(), (u) => u.id, {
    op: call.operation,
    scope: inst.id,
    token: token(call),
    max,
  });
  return {
    UserSummaryList: page.items.map((u) => ({
      Id: u.id,
      Arn: u.arn,
      Username: u.username,
      LastModifiedTime: u.lastModified,
      LastModifiedRegion: inst.region,
    })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
};

/**
 * DescribeUser carries the fields a migration tool may look at; the rest are
 * placeholders. SecurityProfileIds holds one placeholder ID: the model allows
 * 1–10 items, so an empty list would be a shape no real user has.
 */
const describeUser: Handler = (call) => {
  const inst = instanceOf(call, label(call, "InstanceId"));
  const id = label(call, "UserId");
  const u = inst.users.get(id);
  if (!u) throw notFound(`User not found: ${id}`);
  return {
    User: {
      Id: u.id,
      Arn: u.arn,
      Username: u.username,
      IdentityInfo: {},
      PhoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 0 },
      SecurityProfileIds: [PLACEHOLDER_SECURITY_PROFILE_ID],
      RoutingProfileId: "00000000-0000-4000-8000-000000000000",
      ...(Object.keys(u.tags).length > 0 ? { Tags: { ...u.tags } } : {}),
      LastModifiedTime: u.lastModified,
      LastModifiedRegion: inst.region,
    },
  };
};

export const PLACEHOLDER_SECURITY_PROFILE_ID = "00000000-0000-4000-8000-0000000000a1";

const listQueues: Handler = (call) => {
  const types = queueTypes(call.query.getAll("queueTypes"));
  const max = listMax(call);
  const inst = instanceOf(call, label(call, "InstanceId"));
  const all = [...inst.queues.values()].filter((q) => types.length === 0 || types.includes(q.type));
  const page = paginate(all, (q) => q.id, {
    op: call.operation,
    scope: inst.id,
    token: token(call),
    max,
  });
  return {
    QueueSummaryList: page.items.map((q) => ({
      Id: q.id,
      Arn: q.arn,
      ...(q.name !== undefined ? { Name: q.name } : {}),
      QueueType: q.type,
      LastModifiedTime: q.lastModified,
      LastModifiedRegion: inst.region,
    })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
};

const listContactFlows: Handler = (call) => {
  const types = contactFlowTypes(call.query.getAll("contactFlowTypes"));
  const max = listMax(call);
  const inst = instanceOf(call, label(call, "InstanceId"));
  const all = [...inst.flows.values()].filter((f) => types.length === 0 || types.includes(f.type));
  const page = paginate(all, (f) => f.id, {
    op: call.operation,
    scope: inst.id,
    token: token(call),
    max,
  });
  return {
    ContactFlowSummaryList: page.items.map((f) => ({
      Id: f.id,
      Arn: f.arn,
      Name: f.name,
      ContactFlowType: f.type,
      ContactFlowState: f.state,
      ContactFlowStatus: f.status,
    })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
};

const listQueueQuickConnects: Handler = (call) => {
  const max = queryMaxResults(
    call.query.get("maxResults"),
    LIMITS.maxResults100.max,
    DEFAULT_PAGE_SIZE,
  );
  const inst = instanceOf(call, label(call, "InstanceId"));
  const queue = queueOf(inst, label(call, "QueueId"));
  const qcs = call.state.listedLinks(queue).flatMap((id) => {
    const qc = inst.quickConnects.get(id);
    const shown = qc && call.state.listed(qc);
    return shown ? [shown] : [];
  });
  const page = paginate(qcs, (qc) => qc.id, {
    op: call.operation,
    scope: `${inst.id}/${queue.id}`,
    token: token(call),
    max,
  });
  return {
    QuickConnectSummaryList: page.items.map(quickConnectSummary),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    LastModifiedTime: queue.lastModified,
    LastModifiedRegion: inst.region,
  };
};

/**
 * Associations are idempotent: re-associating keeps when the link settles.
 * A per-queue cap (the model lists LimitExceededException) is UNVERIFIED and
 * not emulated.
 */
const associateQueueQuickConnects: Handler = (call) => {
  const ids = quickConnectIds(call.body.QuickConnectIds);
  const inst = instanceOf(call, label(call, "InstanceId"));
  const queue = queueOf(inst, label(call, "QueueId"));
  for (const id of ids) quickConnectOf(call, inst, id);
  const settles = call.state.settlesAt();
  for (const id of ids) if (!queue.links.has(id)) queue.links.set(id, settles);
  queue.lastModified = nowSeconds();
  return UNIT;
};

/** Disassociating an existing quick connect that is not associated is a no-op. */
const disassociateQueueQuickConnects: Handler = (call) => {
  const ids = quickConnectIds(call.body.QuickConnectIds);
  const inst = instanceOf(call, label(call, "InstanceId"));
  const queue = queueOf(inst, label(call, "QueueId"));
  for (const id of ids) quickConnectOf(call, inst, id);
  for (const id of ids) queue.links.delete(id);
  queue.lastModified = nowSeconds();
  return UNIT;
};

function instanceBody(inst: InstanceRec): Json {
  return {
    Id: inst.id,
    Arn: inst.arn,
    IdentityManagementType: "CONNECT_MANAGED",
    InstanceAlias: inst.alias,
    CreatedTime: inst.createdTime,
    ServiceRole:
      `arn:aws:iam::${inst.accountId}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect`,
    InstanceStatus: "ACTIVE",
    InboundCallsEnabled: true,
    OutboundCallsEnabled: true,
    InstanceAccessUrl: `https://${inst.alias}.my.connect.aws`,
  };
}

/**
 * DescribeInstance and ListInstances model no InvalidParameterException, only
 * InvalidRequestException (docs/connect-api.md §2): their validation errors (ID
 * length, maxResults range, nextToken) are reported as the latter.
 */
function invalidRequestOnly(handler: Handler): Handler {
  return (call) => {
    try {
      return handler(call);
    } catch (e) {
      if (e instanceof ApiError && e.type === "InvalidParameterException") {
        throw invalidRequest(e.message);
      }
      throw e;
    }
  };
}

const describeInstance = invalidRequestOnly((call) => {
  const inst = instanceOf(call, label(call, "InstanceId"));
  const body = instanceBody(inst);
  if (Object.keys(inst.tags).length > 0) body.Tags = { ...inst.tags };
  return { Instance: body };
});

const listInstances = invalidRequestOnly((call) => {
  const max = queryMaxResults(
    call.query.get("maxResults"),
    LIMITS.maxResults10.max,
    DEFAULT_INSTANCES_PAGE_SIZE,
  );
  const mine = [...call.state.instances.values()].filter((i) => i.region === call.region);
  const page = paginate(mine, (i) => i.id, {
    op: call.operation,
    scope: call.region,
    token: token(call),
    max,
  });
  return {
    InstanceSummaryList: page.items.map(instanceBody),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
});

// ---------------------------------------------------------------- table

interface RouteFacts {
  mutates?: boolean;
  unit?: boolean;
}

const route = (
  operation: string,
  method: string,
  path: string,
  handler: Handler,
  { mutates = false, unit = false }: RouteFacts = {},
): Route => ({
  operation,
  method,
  segments: path.split("/").slice(1),
  handler,
  mutates,
  unit,
});

/** A write whose output is `smithy.api#Unit`. */
const UNIT_WRITE: RouteFacts = { mutates: true, unit: true };

export const ROUTES: readonly Route[] = [
  route("ListQuickConnects", "GET", "/quick-connects/{InstanceId}", listQuickConnects),
  route("CreateQuickConnect", "PUT", "/quick-connects/{InstanceId}", createQuickConnect, {
    mutates: true,
  }),
  route(
    "DescribeQuickConnect",
    "GET",
    "/quick-connects/{InstanceId}/{QuickConnectId}",
    describeQuickConnect,
  ),
  route(
    "DeleteQuickConnect",
    "DELETE",
    "/quick-connects/{InstanceId}/{QuickConnectId}",
    deleteQuickConnect,
    UNIT_WRITE,
  ),
  route(
    "UpdateQuickConnectName",
    "POST",
    "/quick-connects/{InstanceId}/{QuickConnectId}/name",
    updateQuickConnectName,
    UNIT_WRITE,
  ),
  route(
    "UpdateQuickConnectConfig",
    "POST",
    "/quick-connects/{InstanceId}/{QuickConnectId}/config",
    updateQuickConnectConfig,
    UNIT_WRITE,
  ),
  route("SearchQuickConnects", "POST", "/search-quick-connects", searchQuickConnects),
  route("SearchRoutingProfiles", "POST", "/search-routing-profiles", searchRoutingProfiles),
  route("ListTagsForResource", "GET", "/tags/{resourceArn}", listTagsForResource),
  route("TagResource", "POST", "/tags/{resourceArn}", tagResource, UNIT_WRITE),
  route("UntagResource", "DELETE", "/tags/{resourceArn}", untagResource, UNIT_WRITE),
  route("ListUsers", "GET", "/users-summary/{InstanceId}", listUsers),
  route("DescribeUser", "GET", "/users/{InstanceId}/{UserId}", describeUser),
  route("ListQueues", "GET", "/queues-summary/{InstanceId}", listQueues),
  route("ListContactFlows", "GET", "/contact-flows-summary/{InstanceId}", listContactFlows),
  route(
    "ListQueueQuickConnects",
    "GET",
    "/queues/{InstanceId}/{QueueId}/quick-connects",
    listQueueQuickConnects,
  ),
  route(
    "AssociateQueueQuickConnects",
    "POST",
    "/queues/{InstanceId}/{QueueId}/associate-quick-connects",
    associateQueueQuickConnects,
    UNIT_WRITE,
  ),
  route(
    "DisassociateQueueQuickConnects",
    "POST",
    "/queues/{InstanceId}/{QueueId}/disassociate-quick-connects",
    disassociateQueueQuickConnects,
    UNIT_WRITE,
  ),
  route("DescribeInstance", "GET", "/instance/{InstanceId}", describeInstance),
  route("ListInstances", "GET", "/instance", listInstances),
];

export const OPERATIONS: ReadonlySet<string> = new Set(ROUTES.map((r) => r.operation));

/** The operations that change state, in table order. */
export const MUTATING_OPERATIONS: readonly string[] = ROUTES.filter((r) => r.mutates).map((r) =>
  r.operation
);

/** The route of an operation, or undefined for a name that is none of the 20. */
export function routeOf(operation: string): Route | undefined {
  return ROUTES.find((r) => r.operation === operation);
}

export interface Match {
  route: Route;
  labels: Record<string, string>;
}

/**
 * Matches method and raw (still percent-encoded) path. Each raw segment is
 * decoded on its own, so an encoded `/` (`%2F`, e.g. in a tag ARN or an agent
 * queue ID) stays inside its label.
 *
 * Empty segments are kept, not collapsed: `/quick-connects//ID` has three
 * segments and a trailing slash adds an empty last one, so neither is served
 * as another operation. A label never matches an empty segment (Smithy labels
 * must be non-empty; the SDK refuses to send one), so such a path matches no
 * route and the server answers 404 UnknownOperationException, as a Smithy
 * server router does for a URI that fits no operation. Our choice: the real
 * service's answer to an empty label is unverified.
 */
export function matchRoute(method: string, rawPath: string): Match | undefined {
  if (!rawPath.startsWith("/")) return undefined;
  const raw = rawPath.split("/").slice(1);
  for (const r of ROUTES) {
    if (r.method !== method || r.segments.length !== raw.length) continue;
    const labels: Record<string, string> = {};
    let ok = true;
    for (const [i, seg] of r.segments.entries()) {
      const actual = raw[i] ?? "";
      if (seg.startsWith("{")) {
        let value: string;
        try {
          value = decodeURIComponent(actual);
        } catch {
          ok = false;
          break;
        }
        if (value === "") {
          ok = false;
          break;
        }
        labels[seg.slice(1, -1)] = value;
      } else if (seg !== actual) {
        ok = false;
        break;
      }
    }
    if (ok) return { route: r, labels };
  }
  return undefined;
}
