/**
 * In-memory model of Amazon Connect instances: seeding from a fixture, export
 * back to the fixture format, ARNs and look-ups.
 *
 * Choices the real service does not document (docs/connect-api.md §10):
 * - Every user has an AGENT queue with Id `agent/<userId>` and ARN
 *   `…/queue/agent/<userId>` (the form Connect uses for agent queues) and NO Name,
 *   because whether agent queues carry a name is unverified and tools must not
 *   map by it. They are derived, so `exportFixture` does not write them.
 * - Quick connect names are unique per instance, compared case-sensitively.
 *
 * Eventual consistency (`consistencyLagMs`): Connect documents that a change
 * "might not be immediately visible" (docs/live-service.md §2) but not where, so the
 * emulator lets a write reach list reads only `lagMs` after it is made. Each
 * quick connect keeps its current fields (what writes, name checks and the
 * state dump see), the clock time list reads start to show them, and the
 * earlier versions list reads may still show until then. A quick connect is
 * unknown to calls by ID until its creation settles; a queue link is listed
 * only once it settles. Deletes, disassociations and tag changes show at once.
 */
import {
  type Fixture,
  FixtureError,
  type FixtureInput,
  type FixtureInstance,
  type FixtureRoutingProfile,
  parseFixture,
  type QuickConnectConfig,
} from "./fixture.ts";
import {
  type ContactFlowType,
  DEFAULT_QUICK_CONNECTS_PER_INSTANCE,
  type QueueType,
  ROUTING_PROFILE_ARN_KIND,
} from "./model.ts";

/** Epoch seconds as a double, the restJson1 timestamp format. */
export const nowSeconds = (): number => Date.now() / 1000;

/** A time before any clock reading: seeded resources and links are visible from the start. */
const ALWAYS = Number.NEGATIVE_INFINITY;

/** A resource the tag operations can address: its ARN and its own tags. */
export interface Tagged {
  arn: string;
  tags: Record<string, string>;
}

export interface UserRec extends Tagged {
  id: string;
  arn: string;
  username: string;
  lastModified: number;
}

export interface QueueRec extends Tagged {
  id: string;
  arn: string;
  /** Absent for AGENT queues (see the module comment). */
  name?: string;
  type: QueueType;
  /**
   * Associated quick connect IDs in association order, each with the clock
   * time from which ListQueueQuickConnects shows the link.
   */
  links: Map<string, number>;
  lastModified: number;
}

export interface FlowRec extends Tagged {
  id: string;
  arn: string;
  name: string;
  type: ContactFlowType;
  state: "ACTIVE" | "ARCHIVED";
  status: "PUBLISHED" | "SAVED";
}

/** The fields of a quick connect that its updates change. */
export interface QuickConnectVersion {
  name: string;
  description?: string;
  config: QuickConnectConfig;
  lastModified: number;
  lastModifiedRegion: string;
}

export interface QuickConnectRec extends Tagged, QuickConnectVersion {
  id: string;
  arn: string;
  tags: Record<string, string>;
  /** Clock time from which calls naming it by ID find it. */
  existsFrom: number;
  /** Clock time from which list reads show the current fields. */
  visibleFrom: number;
  /** Versions list reads may still show until `visibleFrom`, oldest first. */
  earlier: { visibleFrom: number; version: QuickConnectVersion }[];
}

/** A routing profile (model.ts, routing profiles): seeded, never changed by a call. */
export interface RoutingProfileRec extends Tagged {
  id: string;
  arn: string;
  name: string;
  description?: string;
  defaultOutboundQueueId: string;
  /** Each STANDARD queue once, in seed order. */
  queueIds: string[];
  manualQueueIds: string[];
  users: number;
  isDefault: boolean;
}

export interface InstanceRec extends Tagged {
  id: string;
  arn: string;
  alias: string;
  region: string;
  accountId: string;
  quickConnectQuota: number;
  createdTime: number;
  users: Map<string, UserRec>;
  queues: Map<string, QueueRec>;
  flows: Map<string, FlowRec>;
  quickConnects: Map<string, QuickConnectRec>;
  routingProfiles: Map<string, RoutingProfileRec>;
}

export const instanceArn = (region: string, account: string, id: string): string =>
  `arn:aws:connect:${region}:${account}:instance/${id}`;
export const quickConnectArn = (inst: InstanceRec, qcId: string): string =>
  `${inst.arn}/transfer-destination/${qcId}`;
export const agentQueueId = (userId: string): string => `agent/${userId}`;

/** Parsed `arn:aws:connect:REGION:ACCOUNT:instance/ID[/KIND/RESOURCE…]`. */
export interface ConnectArn {
  region: string;
  accountId: string;
  instanceId: string;
  /** e.g. `transfer-destination`, `queue`, `agent`, `contact-flow`; absent for the instance. */
  kind?: string;
  resourceId?: string;
}

export function parseConnectArn(arn: string): ConnectArn | undefined {
  const m = /^arn:aws[-a-z]*:connect:([a-z0-9-]+):(\d{12}):instance\/([^/]+)(?:\/([^/]+)\/(.+))?$/
    .exec(arn);
  if (!m) return undefined;
  const [, region, accountId, instanceId, kind, resourceId] = m;
  if (region === undefined || accountId === undefined || instanceId === undefined) {
    return undefined;
  }
  return { region, accountId, instanceId, kind, resourceId };
}

export interface ConsistencyOptions {
  /** How long after a write list reads (and calls by ID, for a create) see it; default 0. */
  lagMs?: number;
  /** Milliseconds on any monotonic scale; injectable so tests need not sleep. */
  clock?: () => number;
}

/** All emulated instances. */
export class EmulatorState {
  readonly instances = new Map<string, InstanceRec>();
  readonly lagMs: number;
  readonly clock: () => number;

  constructor(options: ConsistencyOptions = {}) {
    this.lagMs = options.lagMs ?? 0;
    this.clock = options.clock ?? (() => performance.now());
  }

  /** When a write made now settles. */
  settlesAt(): number {
    return this.clock() + this.lagMs;
  }

  /** The quick connect `id` as calls naming it see it: absent until its creation settles. */
  findQuickConnect(inst: InstanceRec, id: string): QuickConnectRec | undefined {
    const qc = inst.quickConnects.get(id);
    return qc && qc.existsFrom <= this.clock() ? qc : undefined;
  }

  /**
   * The version of `qc` list reads show now: the current one once settled,
   * else the newest settled earlier one, else none (creation not settled).
   * A stale version keeps the current tags (tag changes show at once).
   */
  listed(qc: QuickConnectRec): QuickConnectRec | undefined {
    const now = this.clock();
    if (qc.visibleFrom <= now) return qc;
    const shown = qc.earlier.findLast((e) => e.visibleFrom <= now);
    return shown ? { ...qc, ...shown.version } : undefined;
  }

  /** Applies an update to `qc`, keeping what list reads must go on showing for the lag. */
  update(qc: QuickConnectRec, change: (qc: QuickConnectRec) => void): void {
    const now = this.clock();
    if (this.lagMs > 0) {
      qc.earlier.push({
        visibleFrom: qc.visibleFrom,
        version: {
          name: qc.name,
          description: qc.description,
          config: qc.config,
          lastModified: qc.lastModified,
          lastModifiedRegion: qc.lastModifiedRegion,
        },
      });
      // Versions older than the newest settled one can never be shown again.
      const settled = qc.earlier.findLastIndex((e) => e.visibleFrom <= now);
      if (settled > 0) qc.earlier.splice(0, settled);
    }
    change(qc);
    qc.visibleFrom = now + this.lagMs;
  }

  /** The quick connect IDs ListQueueQuickConnects shows for `queue` now, in link order. */
  listedLinks(queue: QueueRec): string[] {
    const now = this.clock();
    return [...queue.links].flatMap(([id, from]) => from <= now ? [id] : []);
  }

  /**
   * Stores a quick connect as given, without validation: how a test stands in for a
   * quick connect type newer than this emulator (and the tool) knows, which a future
   * Connect API would return from Describe and Search.
   */
  putUnvalidatedQuickConnect(
    instanceId: string,
    qc: { QuickConnectId: string; Name: string; Description?: string; QuickConnectConfig: unknown },
  ): void {
    const inst = this.instances.get(instanceId);
    if (!inst) throw new Error(`no instance ${instanceId}`);
    inst.quickConnects.set(qc.QuickConnectId, {
      id: qc.QuickConnectId,
      arn: quickConnectArn(inst, qc.QuickConnectId),
      name: qc.Name,
      description: qc.Description,
      config: structuredClone(qc.QuickConnectConfig) as QuickConnectConfig,
      tags: {},
      lastModified: nowSeconds(),
      lastModifiedRegion: inst.region,
      existsFrom: ALWAYS,
      visibleFrom: ALWAYS,
      earlier: [],
    });
  }

  /** Builds state from a fixture (validated here, so raw JSON is fine); seeded data is settled. */
  static fromFixture(
    input: FixtureInput | Fixture | unknown,
    options: ConsistencyOptions = {},
  ): EmulatorState {
    const fixture = parseFixture(input);
    const state = new EmulatorState(options);
    for (const [index, fi] of fixture.Instances.entries()) {
      const where = `Instances[${index}] (${fi.Alias})`;
      const id = fi.Id ?? crypto.randomUUID();
      if (state.instances.has(id)) throw new FixtureError(`${where}: duplicate instance Id ${id}`);
      const now = nowSeconds();
      const inst: InstanceRec = {
        id,
        arn: instanceArn(fi.Region, fi.AccountId, id),
        alias: fi.Alias,
        region: fi.Region,
        accountId: fi.AccountId,
        quickConnectQuota: fi.QuickConnectQuota ?? DEFAULT_QUICK_CONNECTS_PER_INSTANCE,
        createdTime: now,
        tags: {},
        users: new Map(),
        queues: new Map(),
        flows: new Map(),
        quickConnects: new Map(),
        routingProfiles: new Map(),
      };
      const unique = (map: Map<string, unknown>, key: string, what: string) => {
        if (map.has(key)) throw new FixtureError(`${where}: duplicate ${what} Id ${key}`);
      };
      for (const u of fi.Users) {
        const uid = u.Id ?? crypto.randomUUID();
        unique(inst.users, uid, "user");
        if ([...inst.users.values()].some((x) => x.username === u.Username)) {
          throw new FixtureError(`${where}: duplicate Username ${u.Username}`);
        }
        inst.users.set(uid, {
          id: uid,
          arn: `${inst.arn}/agent/${uid}`,
          username: u.Username,
          tags: {},
          lastModified: now,
        });
        const qid = agentQueueId(uid);
        inst.queues.set(qid, {
          id: qid,
          arn: `${inst.arn}/queue/${qid}`,
          type: "AGENT",
          tags: {},
          links: new Map(),
          lastModified: now,
        });
      }
      for (const q of fi.Queues) {
        const qid = q.Id ?? crypto.randomUUID();
        unique(inst.queues, qid, "queue");
        inst.queues.set(qid, {
          id: qid,
          arn: `${inst.arn}/queue/${qid}`,
          name: q.Name,
          type: "STANDARD",
          tags: {},
          links: new Map(),
          lastModified: now,
        });
      }
      for (const f of fi.ContactFlows) {
        const fid = f.Id ?? crypto.randomUUID();
        unique(inst.flows, fid, "contact flow");
        inst.flows.set(fid, {
          id: fid,
          arn: `${inst.arn}/contact-flow/${fid}`,
          name: f.Name,
          type: f.ContactFlowType,
          state: f.ContactFlowState ?? "ACTIVE",
          status: f.ContactFlowStatus ?? "PUBLISHED",
          tags: {},
        });
      }
      for (const qc of fi.QuickConnects) {
        const qcid = qc.QuickConnectId ?? crypto.randomUUID();
        unique(inst.quickConnects, qcid, "quick connect");
        if ([...inst.quickConnects.values()].some((x) => x.name === qc.Name)) {
          throw new FixtureError(`${where}: duplicate quick connect Name ${qc.Name}`);
        }
        // Dangling references (e.g. to a deleted user) are allowed on purpose:
        // real instances can hold them (see DeleteQuickConnect's model doc).
        inst.quickConnects.set(qcid, {
          id: qcid,
          arn: quickConnectArn(inst, qcid),
          name: qc.Name,
          description: qc.Description,
          config: structuredClone(qc.QuickConnectConfig),
          tags: { ...qc.Tags },
          lastModified: now,
          lastModifiedRegion: inst.region,
          existsFrom: ALWAYS,
          visibleFrom: ALWAYS,
          earlier: [],
        });
      }
      for (const [qid, qcIds] of Object.entries(fi.QueueQuickConnects)) {
        const queue = inst.queues.get(qid);
        if (!queue) {
          throw new FixtureError(`${where}: QueueQuickConnects names unknown queue ${qid}`);
        }
        for (const qcid of qcIds) {
          if (!inst.quickConnects.has(qcid)) {
            throw new FixtureError(
              `${where}: QueueQuickConnects[${qid}] names unknown quick connect ${qcid}`,
            );
          }
          queue.links.set(qcid, ALWAYS);
        }
      }
      seedRoutingProfiles(inst, fi, where);
      state.instances.set(id, inst);
    }
    return state;
  }

  /**
   * The state in the seed fixture format, with every generated ID filled in:
   * the current state, including writes list reads do not show yet.
   * Only quick connect and routing profile tags are written: the fixture format has no Tags on
   * instances, users, queues or flows, so tags set on those through
   * TagResource live only as long as the emulator (and are not seeded either).
   */
  toFixture(): Fixture {
    return {
      Instances: [...this.instances.values()].map((inst) => {
        const queueQcs: Record<string, string[]> = {};
        for (const q of inst.queues.values()) {
          if (q.links.size > 0) queueQcs[q.id] = [...q.links.keys()];
        }
        return {
          Id: inst.id,
          Alias: inst.alias,
          Region: inst.region,
          AccountId: inst.accountId,
          QuickConnectQuota: inst.quickConnectQuota,
          Users: [...inst.users.values()].map((u) => ({ Id: u.id, Username: u.username })),
          Queues: [...inst.queues.values()]
            .filter((q) => q.type === "STANDARD")
            .map((q) => ({ Id: q.id, Name: q.name ?? "", QueueType: "STANDARD" as const })),
          ContactFlows: [...inst.flows.values()].map((f) => ({
            Id: f.id,
            Name: f.name,
            ContactFlowType: f.type,
            ContactFlowState: f.state,
            ContactFlowStatus: f.status,
          })),
          QuickConnects: [...inst.quickConnects.values()].map((qc) => ({
            QuickConnectId: qc.id,
            Name: qc.name,
            ...(qc.description !== undefined ? { Description: qc.description } : {}),
            QuickConnectConfig: structuredClone(qc.config),
            ...(Object.keys(qc.tags).length > 0 ? { Tags: { ...qc.tags } } : {}),
          })),
          QueueQuickConnects: queueQcs,
          RoutingProfiles: [...inst.routingProfiles.values()].map(routingProfileFixture),
        };
      }),
    };
  }

  /**
   * Finds an instance by ID or ARN as seen from `region` (the signing region):
   * an instance in another region is invisible, as on a real regional endpoint.
   */
  findInstance(idOrArn: string, region: string): InstanceRec | undefined {
    let id = idOrArn;
    if (idOrArn.startsWith("arn:")) {
      const arn = parseConnectArn(idOrArn);
      if (!arn || arn.kind !== undefined || arn.region !== region) return undefined;
      id = arn.instanceId;
      const inst = this.instances.get(id);
      return inst && inst.accountId === arn.accountId && inst.region === region ? inst : undefined;
    }
    const inst = this.instances.get(id);
    return inst && inst.region === region ? inst : undefined;
  }
}

/**
 * A seeded queue named by Id or, failing that, by Name: only STANDARD queues, since agent
 * queues belong to one user and are not a routing profile's.
 */
function standardQueue(inst: InstanceRec, ref: string, where: string): string {
  const byId = inst.queues.get(ref);
  if (byId?.type === "STANDARD") return byId.id;
  const named = [...inst.queues.values()].filter((q) => q.type === "STANDARD" && q.name === ref);
  if (named.length === 1 && named[0]) return named[0].id;
  throw new FixtureError(
    `${where} names ${named.length > 1 ? "an ambiguous" : "no"} STANDARD queue ${ref}`,
  );
}

/**
 * Routing profiles, their queues by Id or Name. Names are unique, as CreateRoutingProfile's
 * DuplicateResourceException suggests (UNVERIFIED); a queue named twice counts once.
 */
function seedRoutingProfiles(inst: InstanceRec, fi: FixtureInstance, where: string): void {
  for (const [i, rp] of fi.RoutingProfiles.entries()) {
    const at = `${where}: RoutingProfiles[${i}] (${rp.Name})`;
    const rpid = rp.RoutingProfileId ?? crypto.randomUUID();
    if (inst.routingProfiles.has(rpid)) throw new FixtureError(`${at}: duplicate Id ${rpid}`);
    if ([...inst.routingProfiles.values()].some((x) => x.name === rp.Name)) {
      throw new FixtureError(`${at}: duplicate routing profile Name`);
    }
    const queues = (refs: string[]) => [...new Set(refs.map((r) => standardQueue(inst, r, at)))];
    inst.routingProfiles.set(rpid, {
      id: rpid,
      arn: `${inst.arn}/${ROUTING_PROFILE_ARN_KIND}/${rpid}`,
      name: rp.Name,
      description: rp.Description,
      defaultOutboundQueueId: standardQueue(inst, rp.DefaultOutboundQueueId, at),
      queueIds: queues(rp.AssociatedQueueIds),
      manualQueueIds: queues(rp.AssociatedManualAssignmentQueueIds),
      users: rp.NumberOfAssociatedUsers,
      isDefault: rp.IsDefault,
      tags: { ...rp.Tags },
    });
  }
}

function routingProfileFixture(rp: RoutingProfileRec): FixtureRoutingProfile {
  return {
    RoutingProfileId: rp.id,
    Name: rp.name,
    ...(rp.description !== undefined ? { Description: rp.description } : {}),
    DefaultOutboundQueueId: rp.defaultOutboundQueueId,
    AssociatedQueueIds: [...rp.queueIds],
    AssociatedManualAssignmentQueueIds: [...rp.manualQueueIds],
    NumberOfAssociatedUsers: rp.users,
    IsDefault: rp.isDefault,
    ...(Object.keys(rp.tags).length > 0 ? { Tags: { ...rp.tags } } : {}),
  };
}
