/**
 * Reads an instance: its quick connects (the one reader, for export and import), users,
 * queues, flows, routing profiles and queue links, each listed once through the SDK
 * paginators at the largest page size the API allows.
 */
import {
  type ConnectClient,
  DescribeQuickConnectCommand,
  paginateListContactFlows,
  paginateListQueueQuickConnects,
  paginateListQueues,
  paginateListQuickConnects,
  paginateListUsers,
  paginateSearchQuickConnects,
  paginateSearchRoutingProfiles,
  type QueueType,
  type QuickConnect,
  type SearchQuickConnectsCommandInput,
} from "@aws-sdk/client-connect";
import { describeError, errorName, isFatalForRun, isSearchUnavailable } from "../errors.ts";
import { type Filters, matches, toSearch } from "../filters.ts";
import { esc, type Logger, plural } from "../log.ts";
import { isKnownType } from "../quick_connect.ts";
import { mapPool } from "../pool.ts";
import type { RoutingProfileView } from "../visibility.ts";
import { isInterrupted } from "./limiter.ts";
import { rawJson } from "./calls.ts";

/** Every item of every page. */
async function all<P, T>(pages: AsyncIterable<P>, list: (page: P) => T[] | undefined) {
  const out: T[] = [];
  for await (const page of pages) out.push(...(list(page) ?? []));
  return out;
}

export const readUsers = (client: ConnectClient, instanceId: string) =>
  all(
    paginateListUsers({ client, pageSize: 1000 }, { InstanceId: instanceId }),
    (p) => p.UserSummaryList,
  );

/** STANDARD queues by default: agent queues are not quick connect targets by name. */
export const readQueues = (
  client: ConnectClient,
  instanceId: string,
  types: QueueType[] = ["STANDARD"],
) =>
  all(
    paginateListQueues({ client, pageSize: 1000 }, { InstanceId: instanceId, QueueTypes: types }),
    (p) => p.QueueSummaryList,
  );

export const readFlows = (client: ConnectClient, instanceId: string) =>
  all(
    paginateListContactFlows({ client, pageSize: 1000 }, { InstanceId: instanceId }),
    (p) => p.ContactFlowSummaryList,
  );

/**
 * Every routing profile, 500 a call, with the queues whose quick connects its agents see: its
 * own and its default outbound queue (docs/connect-api.md §11).
 */
export async function readRoutingProfiles(
  client: ConnectClient,
  instanceId: string,
): Promise<RoutingProfileView[]> {
  const profiles = await all(
    paginateSearchRoutingProfiles({ client, pageSize: 500 }, { InstanceId: instanceId }),
    (p) => p.RoutingProfiles,
  );
  return profiles.flatMap((p) => {
    if (!p.RoutingProfileId || p.Name === undefined) return [];
    const queues = new Set(p.AssociatedQueueIds);
    if (p.DefaultOutboundQueueId) queues.add(p.DefaultOutboundQueueId);
    const agents = p.NumberOfAssociatedUsers ?? 0;
    return [{ id: p.RoutingProfileId, name: p.Name, queueIds: [...queues], agents }];
  });
}

/** What stops a whole read: credentials, interruption, network down. */
const stops = (err: unknown) => isInterrupted(err) || isFatalForRun(err);

/**
 * Quick connect IDs linked to each queue, or in `failed` its error. Four queues at a time: one
 * ListQueueQuickConnects takes a round trip, and the quota is 10 per second.
 */
export async function readAssociations(
  client: ConnectClient,
  instanceId: string,
  queueIds: readonly string[],
  isFatal: (err: unknown) => boolean = stops,
): Promise<{ links: Map<string, Set<string>>; failed: Map<string, unknown> }> {
  const links = new Map<string, Set<string>>();
  const failed = new Map<string, unknown>();
  await mapPool(queueIds, 4, async (QueueId) => {
    try {
      const listed = await all(
        paginateListQueueQuickConnects({ client, pageSize: 100 }, {
          InstanceId: instanceId,
          QueueId,
        }),
        (p) => p.QuickConnectSummaryList,
      );
      links.set(QueueId, new Set(listed.flatMap((s) => (s.Id ? [s.Id] : []))));
    } catch (err) {
      if (isFatal(err)) throw err;
      failed.set(QueueId, err);
    }
  });
  return { links, failed };
}

/** A quick connect as listed; `detail` holds it whole (config, tags) when it was read. */
export interface ListedQuickConnect {
  id: string;
  name: string;
  arn?: string;
  detail?: QuickConnect;
}

export interface QuickConnectRead {
  items: ListedQuickConnect[];
  /** Quick connects listed but not readable whole (Describe failed): id, name, error. */
  failed: { id: string; name: string; error: string }[];
  mode: "search" | "list+describe";
  /** Raw QuickConnectConfig by ID, of types this tool does not know (with `verbatim`). */
  raw: Map<string, unknown>;
}

interface ReadOptions {
  client: ConnectClient;
  instanceId: string;
  logger: Logger;
  /** Whole quick connects (Search, else List + Describe); without it, List only. */
  details: boolean;
  /** Skip SearchQuickConnects (the user asked, or it was refused before). */
  noSearch?: boolean;
  /** On the List path, which quick connects to Describe (default: all). */
  describe?: (name: string) => boolean;
  /**
   * Which quick connects are returned: judged on name and type before any Describe, again
   * with the tags; what Search can express is sent too (fewer pages).
   */
  filters?: Filters;
  /** Keep each response's raw config, for types newer than the SDK's model. */
  verbatim?: boolean;
  /** After each page (`more`: another follows), and while Describe calls run. */
  onPage?: (page: number, count: number, more: boolean) => void;
  onDescribed?: (done: number, total: number) => void;
  /** Whether an error stops the whole read (default: credentials, interruption, network). */
  isFatal?: (err: unknown) => boolean;
}

/** DescribeQuickConnect leaves Tags out when there are none (a TagMap has an entry): {}. */
const withTags = (qc: QuickConnect): QuickConnect =>
  qc.Tags !== undefined ? qc : { ...qc, Tags: {} };

/** The one warning of a run that falls back from SearchQuickConnects to List + Describe. */
export function searchRefused(logger: Logger, err: unknown): void {
  logger.warning(
    `SearchQuickConnects is not available (${
      esc(describeError(err))
    }); reading quick connects with ListQuickConnects and DescribeQuickConnect instead`,
  );
}

/**
 * Every quick connect of an instance. SearchQuickConnects returns 100 whole quick
 * connects per call; where it is refused (IAM) or not served, ListQuickConnects plus
 * DescribeQuickConnect, with one warning. Whether Search fills `Tags` is not documented:
 * when no result of a whole Search carries the member, tags are read with Describe.
 */
export async function readQuickConnects(o: ReadOptions): Promise<QuickConnectRead> {
  const raw = new Map<string, unknown>();
  let read: { items: ListedQuickConnect[]; whole: boolean } | undefined;
  if (o.details && !o.noSearch) {
    try {
      read = await searchAll(o, raw);
    } catch (err) {
      if (!isSearchUnavailable(err)) throw err;
      searchRefused(o.logger, err);
      raw.clear();
    }
  }
  const mode = read ? "search" : "list+describe";
  read ??= { items: await listAll(o), whole: !o.details };
  const failed = read.whole ? [] : await describeInto(o, toDescribe(o, read.items), raw);
  return { items: keptWhole(o, read.items), failed, mode, raw };
}

const toDescribe = (o: ReadOptions, items: ListedQuickConnect[]) =>
  o.describe ? items.filter((it) => o.describe?.(it.name)) : items;

async function listAll(o: ReadOptions): Promise<ListedQuickConnect[]> {
  const items: ListedQuickConnect[] = [];
  let page = 0;
  const types = o.filters?.types ?? [];
  for await (
    const res of paginateListQuickConnects({ client: o.client, pageSize: 1000 }, {
      InstanceId: o.instanceId,
      ...(types.length ? { QuickConnectTypes: [...types] } : {}),
    })
  ) {
    const list = res.QuickConnectSummaryList ?? [];
    o.onPage?.(++page, list.length, res.NextToken !== undefined);
    // Summaries carry name and type: whatever those rule out is never described.
    for (const s of list) {
      if (!s.Id || s.Name === undefined) continue;
      if (o.filters && !matches(o.filters, { name: s.Name, type: s.QuickConnectType })) continue;
      items.push({ id: s.Id, name: s.Name, arn: s.Arn });
    }
  }
  return items;
}

/** The items the filters still select with their tags; one never read whole stays. */
function keptWhole(o: ReadOptions, items: ListedQuickConnect[]): ListedQuickConnect[] {
  const f = o.filters;
  if (!f) return items;
  return items.filter(({ detail: d, name }) =>
    !d ||
    matches(f, {
      name: d.Name ?? name,
      type: d.QuickConnectConfig?.QuickConnectType,
      tags: d.Tags ?? {},
    })
  );
}

/** The quick connects Search returns; `whole`: with their tags, else to be described. */
async function searchAll(o: ReadOptions, raw: Map<string, unknown>) {
  const items: ListedQuickConnect[] = [];
  let sawTags = false;
  let page = 0;
  const search = async (input: SearchQuickConnectsCommandInput) => {
    for await (
      const res of paginateSearchQuickConnects({ client: o.client, pageSize: 100 }, input)
    ) {
      const list = res.QuickConnects ?? [];
      o.onPage?.(++page, list.length, res.NextToken !== undefined);
      if (o.verbatim) keepRaw(asRecord(rawJson(res))?.QuickConnects, raw);
      for (const qc of list) {
        if (qc.Tags !== undefined) sawTags = true;
        if (!qc.QuickConnectId || qc.Name === undefined) continue;
        // Tags are judged below, once it is known whether Search fills them.
        const type = qc.QuickConnectConfig?.QuickConnectType;
        if (o.filters && !matches(o.filters, { name: qc.Name, type })) continue;
        items.push({ id: qc.QuickConnectId, name: qc.Name, arn: qc.QuickConnectARN, detail: qc });
      }
    }
  };
  const { criteria, filter } = o.filters ? toSearch(o.filters) : {};
  try {
    await search({
      InstanceId: o.instanceId,
      ...(criteria ? { SearchCriteria: criteria } : {}),
      ...(filter ? { SearchFilter: filter } : {}),
    });
  } catch (err) {
    // How the service takes our conditions is partly unverified (docs/connect-api.md §5): if it
    // refuses them as malformed, the same read without them gives the same result, in more pages.
    const invalid = ["InvalidParameterException", "InvalidRequestException"];
    if ((!criteria && !filter) || page > 0 || !invalid.includes(errorName(err))) throw err;
    o.logger.warning(
      `SearchQuickConnects refused the request with name/tag conditions (${
        esc(describeError(err))
      }); searching again without them (the filters still apply here)`,
    );
    await search({ InstanceId: o.instanceId });
  }
  if (sawTags || items.length === 0) {
    for (const it of items) if (it.detail) it.detail = withTags(it.detail);
    return { items, whole: true };
  }
  o.logger.warning(
    `SearchQuickConnects returned no Tags for any quick connect; reading their tags with DescribeQuickConnect (${
      plural(toDescribe(o, items).length, "call")
    })`,
  );
  for (const it of items) it.detail = undefined;
  return { items, whole: false };
}

/** Describes `items` four at a time (the quota is 10 per second), filling `detail`. */
async function describeInto(
  o: ReadOptions,
  items: ListedQuickConnect[],
  raw: Map<string, unknown>,
): Promise<QuickConnectRead["failed"]> {
  const failed: QuickConnectRead["failed"] = [];
  let done = 0;
  await mapPool(items, 4, async (it) => {
    try {
      it.detail = await describeQuickConnect(o.client, o.instanceId, it.id, o.verbatim && raw);
    } catch (err) {
      if ((o.isFatal ?? stops)(err)) throw err;
      failed.push({ id: it.id, name: it.name, error: describeError(err) });
    }
    o.onDescribed?.(++done, items.length);
  });
  return failed;
}

/** One DescribeQuickConnect, tags always present; its raw config kept into `raw`. */
export async function describeQuickConnect(
  client: ConnectClient,
  instanceId: string,
  quickConnectId: string,
  raw?: Map<string, unknown> | false,
): Promise<QuickConnect> {
  const out = await client.send(
    new DescribeQuickConnectCommand({ InstanceId: instanceId, QuickConnectId: quickConnectId }),
  );
  if (!out.QuickConnect) {
    throw new Error(`DescribeQuickConnect returned no quick connect for ${quickConnectId}`);
  }
  if (raw) keepRaw([asRecord(rawJson(out))?.QuickConnect], raw);
  return withTags(out.QuickConnect);
}

const asRecord = (v: unknown) =>
  typeof v === "object" && v !== null ? v as Record<string, unknown> : undefined;

function keepRaw(list: unknown, into: Map<string, unknown>) {
  if (!Array.isArray(list)) return;
  for (const r of list) {
    const rec = asRecord(r);
    // Only what the SDK's model cannot hold: a config of a type newer than this tool.
    const type = asRecord(rec?.QuickConnectConfig)?.QuickConnectType;
    if (typeof rec?.QuickConnectId === "string" && type !== undefined && !isKnownType(type)) {
      into.set(rec.QuickConnectId, rec.QuickConnectConfig);
    }
  }
}
