/**
 * Reads an instance: users, queues, flows, quick connects and queue links, each listed
 * once through the SDK paginators at the largest page size the API allows.
 */
import {
  type ConnectClient,
  type ContactFlowSummary,
  DescribeQuickConnectCommand,
  paginateListContactFlows,
  paginateListQueueQuickConnects,
  paginateListQueues,
  paginateListQuickConnects,
  paginateListUsers,
  type QueueSummary,
  type QueueType,
  type QuickConnect,
  type QuickConnectSummary,
  SearchQuickConnectsCommand,
  type UserSummary,
} from "@aws-sdk/client-connect";
import { mapPool } from "./pool.ts";
import { rawJson } from "./raw_response.ts";

export async function readUsers(client: ConnectClient, instanceId: string): Promise<UserSummary[]> {
  const out: UserSummary[] = [];
  for await (
    const page of paginateListUsers({ client, pageSize: 1000 }, { InstanceId: instanceId })
  ) out.push(...(page.UserSummaryList ?? []));
  return out;
}

/** STANDARD queues by default: agent queues are not quick connect targets by name. */
export async function readQueues(
  client: ConnectClient,
  instanceId: string,
  types: QueueType[] = ["STANDARD"],
): Promise<QueueSummary[]> {
  const out: QueueSummary[] = [];
  for await (
    const page of paginateListQueues({ client, pageSize: 1000 }, {
      InstanceId: instanceId,
      QueueTypes: types,
    })
  ) out.push(...(page.QueueSummaryList ?? []));
  return out;
}

export async function readFlows(
  client: ConnectClient,
  instanceId: string,
): Promise<ContactFlowSummary[]> {
  const out: ContactFlowSummary[] = [];
  for await (
    const page of paginateListContactFlows({ client, pageSize: 1000 }, { InstanceId: instanceId })
  ) out.push(...(page.ContactFlowSummaryList ?? []));
  return out;
}

export async function readQuickConnectSummaries(
  client: ConnectClient,
  instanceId: string,
): Promise<QuickConnectSummary[]> {
  const out: QuickConnectSummary[] = [];
  for await (
    const page of paginateListQuickConnects({ client, pageSize: 1000 }, {
      InstanceId: instanceId,
    })
  ) out.push(...(page.QuickConnectSummaryList ?? []));
  return out;
}

/** One page of full quick connects (config and tags), 100 per call, the API's maximum. */
export async function searchQuickConnectsPage(
  client: ConnectClient,
  instanceId: string,
  nextToken?: string,
): Promise<{ QuickConnects: QuickConnect[]; NextToken?: string; raw: () => unknown }> {
  const res = await client.send(
    new SearchQuickConnectsCommand({
      InstanceId: instanceId,
      MaxResults: 100,
      NextToken: nextToken,
    }),
  );
  return {
    QuickConnects: res.QuickConnects ?? [],
    NextToken: res.NextToken,
    raw: () => rawJson(res),
  };
}

/** Every quick connect, whole, page by page. */
export async function* searchQuickConnects(
  client: ConnectClient,
  instanceId: string,
): AsyncGenerator<QuickConnect[]> {
  let token: string | undefined;
  do {
    const page = await searchQuickConnectsPage(client, instanceId, token);
    yield page.QuickConnects;
    token = page.NextToken;
  } while (token);
}

export async function describeQuickConnect(
  client: ConnectClient,
  instanceId: string,
  quickConnectId: string,
): Promise<QuickConnect> {
  return (await describeQuickConnectWithRaw(client, instanceId, quickConnectId)).quickConnect;
}

/** DescribeQuickConnect, plus the response's raw JSON (see lib/raw_response.ts). */
export async function describeQuickConnectWithRaw(
  client: ConnectClient,
  instanceId: string,
  quickConnectId: string,
): Promise<{ quickConnect: QuickConnect; raw: () => unknown }> {
  const out = await client.send(
    new DescribeQuickConnectCommand({ InstanceId: instanceId, QuickConnectId: quickConnectId }),
  );
  if (!out.QuickConnect) {
    throw new Error(`DescribeQuickConnect returned no quick connect for ${quickConnectId}`);
  }
  return { quickConnect: out.QuickConnect, raw: () => rawJson(out) };
}

export async function readQueueQuickConnects(
  client: ConnectClient,
  instanceId: string,
  queueId: string,
): Promise<QuickConnectSummary[]> {
  const out: QuickConnectSummary[] = [];
  for await (
    const page of paginateListQueueQuickConnects({ client, pageSize: 100 }, {
      InstanceId: instanceId,
      QueueId: queueId,
    })
  ) out.push(...(page.QuickConnectSummaryList ?? []));
  return out;
}

/** The IDs of the quick connects linked to one queue. */
export async function readQueueLinks(
  client: ConnectClient,
  instanceId: string,
  queueId: string,
): Promise<Set<string>> {
  const list = await readQueueQuickConnects(client, instanceId, queueId);
  return new Set(list.flatMap((s) => (s.Id ? [s.Id] : [])));
}

/**
 * Quick connect IDs linked to each queue. Four queues at a time: one
 * ListQueueQuickConnects takes a round trip, and the quota is 10 per second.
 */
export async function readAssociations(
  client: ConnectClient,
  instanceId: string,
  queueIds: readonly string[],
): Promise<Map<string, Set<string>>> {
  const sets = await mapPool(queueIds, 4, (id) => readQueueLinks(client, instanceId, id));
  return new Map(queueIds.map((id, i) => [id, sets[i] ?? new Set<string>()]));
}
