/**
 * Turns a source quick connect config into the target's: each user, queue and flow
 * reference is resolved by the mapping file, else by name (format-2 References: username,
 * queue name, flow name and type), else by the same ID existing in the target. What cannot
 * be resolved fails the item with what is missing and how to map it.
 */
import type {
  ContactFlowSummary,
  QueueSummary,
  QuickConnectConfig,
  UserSummary,
} from "@aws-sdk/client-connect";
import type { ImportItem } from "./import_schema.ts";
import { entryName, lookup, type Mapping } from "./mapping.ts";
import type { Target } from "./target.ts";

export type Resolution<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Resolution<T> => ({ ok: true, value });
const no = <T>(error: string): Resolution<T> => ({ ok: false, error });

/** The flow type each quick connect type needs (CONNECT_API.md §4.2); FLOW is partly unverified. */
const EXPECTED_FLOW_TYPE: Record<string, string> = {
  USER: "AGENT_TRANSFER",
  QUEUE: "QUEUE_TRANSFER",
  FLOW: "CONTACT_FLOW",
};

const q = (s: string) => `'${s}'`;

function described(kind: string, id: string, name?: string): string {
  return name !== undefined && name !== ""
    ? `${kind} ${q(name)} (source id ${id})`
    : `${kind} with source id ${id}`;
}

export function resolveUser(
  users: readonly UserSummary[],
  mapping: Mapping,
  id: string,
  username?: string,
): Resolution<string> {
  const m = lookup(mapping, "Users", id, username);
  if (m) {
    const hit = users.find((u) => u.Id === m.value) ?? users.find((u) => u.Username === m.value);
    return hit?.Id ? ok(hit.Id) : no(
      `mapping ${entryName("Users", m.key)} → ${
        q(m.value)
      } names no user in the target (neither a user ID nor a username)`,
    );
  }
  if (username) {
    const hit = users.find((u) => u.Username === username);
    if (hit?.Id) return ok(hit.Id);
  }
  if (users.some((u) => u.Id === id)) return ok(id);
  return no(
    `${
      described("user", id, username)
    } not found in target; create it or map it in --mapping under Users`,
  );
}

export function resolveQueue(
  queues: readonly QueueSummary[],
  mapping: Mapping,
  id: string,
  name?: string,
): Resolution<QueueSummary> {
  const m = lookup(mapping, "Queues", id, name);
  if (m) {
    const hit = queues.find((x) => x.Id === m.value) ?? queues.find((x) => x.Name === m.value);
    return hit?.Id ? ok(hit) : no(
      `mapping ${entryName("Queues", m.key)} → ${
        q(m.value)
      } names no standard queue in the target (neither a queue ID nor a queue name)`,
    );
  }
  if (name) {
    const hit = queues.find((x) => x.Name === name);
    if (hit?.Id) return ok(hit);
  }
  const same = queues.find((x) => x.Id === id);
  if (same) return ok(same);
  return no(
    `${
      described("queue", id, name)
    } not found in target; create it or map it in --mapping under Queues`,
  );
}

/**
 * Flows match by name and type: a QUEUE_TRANSFER flow named like an AGENT_TRANSFER one is
 * another flow. Without a known type (the seed's files, a References entry without Type, a
 * mapping to a name) the type the quick connect needs is preferred, so the answer does not
 * depend on the order of the target's flows. Whatever resolves must then be of the type
 * the quick connect needs, else the item fails here, at plan time (a dry run reports it).
 */
export function resolveFlow(
  flows: readonly ContactFlowSummary[],
  mapping: Mapping,
  id: string,
  name: string | undefined,
  type: string | undefined,
  quickConnectType: string,
): Resolution<string> {
  const needed = EXPECTED_FLOW_TYPE[quickConnectType];
  const wanted = type ?? needed;
  /** Among flows of one name, the one of the wanted type, else the needed one, else the only one. */
  const pick = (named: readonly ContactFlowSummary[]) =>
    named.find((f) => f.ContactFlowType === wanted) ??
      named.find((f) => f.ContactFlowType === needed) ??
      (named.length === 1 ? named[0] : undefined);
  const m = lookup(mapping, "ContactFlows", id, name);
  if (m) {
    const byId = flows.find((f) => f.Id === m.value);
    const named = byId ? [] : flows.filter((f) => f.Name === m.value);
    const hit = byId ?? pick(named);
    const via = `mapping ${entryName("ContactFlows", m.key)} → ${q(m.value)}`;
    if (hit?.Id) return checkFlowType(hit, quickConnectType, via);
    return no(
      named.length > 1
        ? `${via} matches ${named.length} flows of types ${
          named.map((f) => f.ContactFlowType).join(", ")
        }; map it to a flow ID instead`
        : `${via} names no flow in the target (neither a flow ID nor a flow name)`,
    );
  }
  if (name) {
    const named = flows.filter((f) => f.Name === name);
    // A known source type must match exactly; without one, prefer the needed type.
    const hit = type !== undefined ? named.find((f) => f.ContactFlowType === type) : pick(named);
    if (hit?.Id) return checkFlowType(hit, quickConnectType, `flow ${q(name)} (source id ${id})`);
  }
  const same = flows.find((f) => f.Id === id);
  if (same?.Id) return checkFlowType(same, quickConnectType, `flow with the same id ${id}`);
  const what = name
    ? `flow ${q(name)}${type ? ` of type ${type}` : ""} (source id ${id})`
    : `flow with source id ${id}`;
  return no(`${what} not found in target; create it or map it in --mapping under ContactFlows`);
}

/** The resolved flow must be of the type its quick connect type needs. */
function checkFlowType(
  flow: ContactFlowSummary,
  quickConnectType: string,
  via: string,
): Resolution<string> {
  const needed = EXPECTED_FLOW_TYPE[quickConnectType];
  const id = flow.Id ?? "";
  // A flow whose type the target did not say is given the benefit of the doubt.
  if (needed === undefined || flow.ContactFlowType === undefined) return ok(id);
  if (flow.ContactFlowType === needed) return ok(id);
  return no(
    `${via} resolves to target flow ${
      q(flow.Name ?? id)
    } (${id}) of type ${flow.ContactFlowType}, but a ${quickConnectType} quick connect needs a flow of type ${needed}; map it in --mapping under ContactFlows to a ${needed} flow`,
  );
}

/** Which target lists an item needs, so nothing is listed for nothing. */
export function needs(item: ImportItem): { users: boolean; queues: boolean; flows: boolean } {
  const t = item.config.QuickConnectType;
  return { users: t === "USER", queues: t === "QUEUE", flows: t !== "PHONE_NUMBER" };
}

/**
 * The config to send to the target. The References entry is used only when its ID is
 * the one in the config: a hand-edited file must not resolve a name for another ID.
 */
export async function resolveConfig(
  item: ImportItem,
  target: Target,
  mapping: Mapping,
): Promise<Resolution<QuickConnectConfig>> {
  const c = item.config;
  const refs = item.references;
  const errors: string[] = [];
  const need = needs(item);
  const [users, queues, flows] = await Promise.all([
    need.users ? target.users() : Promise.resolve([]),
    need.queues ? target.queues() : Promise.resolve([]),
    need.flows ? target.flows() : Promise.resolve([]),
  ]);
  const flow = (flowId: string) => {
    const ref = refs.ContactFlow?.Id === flowId ? refs.ContactFlow : undefined;
    const r = resolveFlow(flows, mapping, flowId, ref?.Name, ref?.Type, c.QuickConnectType ?? "");
    if (!r.ok) errors.push(r.error);
    return r.ok ? r.value : flowId;
  };
  let out: QuickConnectConfig;
  switch (c.QuickConnectType) {
    case "USER": {
      const u = c.UserConfig!;
      const ref = refs.User?.Id === u.UserId ? refs.User : undefined;
      const r = resolveUser(users, mapping, u.UserId!, ref?.Username);
      if (!r.ok) errors.push(r.error);
      out = {
        QuickConnectType: "USER",
        UserConfig: { UserId: r.ok ? r.value : u.UserId, ContactFlowId: flow(u.ContactFlowId!) },
      };
      break;
    }
    case "QUEUE": {
      const qc = c.QueueConfig!;
      const ref = refs.Queue?.Id === qc.QueueId ? refs.Queue : undefined;
      const r = resolveQueue(queues, mapping, qc.QueueId!, ref?.Name);
      if (!r.ok) errors.push(r.error);
      out = {
        QuickConnectType: "QUEUE",
        QueueConfig: {
          QueueId: r.ok ? r.value.Id : qc.QueueId,
          ContactFlowId: flow(qc.ContactFlowId!),
        },
      };
      break;
    }
    case "PHONE_NUMBER": {
      const n = c.PhoneConfig!.PhoneNumber!;
      out = {
        QuickConnectType: "PHONE_NUMBER",
        PhoneConfig: { PhoneNumber: mapping.PhoneNumbers.get(n) ?? n },
      };
      break;
    }
    default:
      out = {
        QuickConnectType: c.QuickConnectType,
        FlowConfig: { ContactFlowId: flow(c.FlowConfig!.ContactFlowId!) },
      };
  }
  return errors.length > 0 ? no(errors.join("; ")) : ok(out);
}

/**
 * Mapping entries whose key is no source ID, name or phone number anywhere in the file.
 * Checked against the whole file, not against what this run resolved, so the answer does
 * not depend on --on-conflict (a skipped item resolves nothing).
 */
export function unusedMappingEntries(mapping: Mapping, items: readonly ImportItem[]): string[] {
  const seen: Record<string, Set<string>> = {
    Users: new Set(),
    Queues: new Set(),
    ContactFlows: new Set(),
    PhoneNumbers: new Set(),
  };
  const add = (section: string, ...keys: (string | undefined)[]) => {
    for (const k of keys) if (k !== undefined) seen[section]?.add(k);
  };
  for (const it of items) {
    const c = it.config;
    const r = it.references;
    add("Users", c.UserConfig?.UserId, r.User?.Id, r.User?.Username);
    add("Queues", c.QueueConfig?.QueueId, r.Queue?.Id, r.Queue?.Name);
    for (const qu of it.queues) add("Queues", qu.Id, qu.Name);
    add(
      "ContactFlows",
      c.UserConfig?.ContactFlowId,
      c.QueueConfig?.ContactFlowId,
      c.FlowConfig?.ContactFlowId,
      r.ContactFlow?.Id,
      r.ContactFlow?.Name,
    );
    add("PhoneNumbers", c.PhoneConfig?.PhoneNumber);
  }
  const out: string[] = [];
  for (const section of ["Users", "Queues", "ContactFlows", "PhoneNumbers"] as const) {
    for (const key of mapping[section].keys()) {
      if (!seen[section]?.has(key)) out.push(entryName(section, key));
    }
  }
  return out;
}
