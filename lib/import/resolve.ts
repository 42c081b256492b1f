/**
 * Turns a source quick connect config into the target's: each user, queue and flow
 * reference is resolved by the mapping file, else by name (format-2 References: username,
 * queue name, flow name and type), else by the same ID existing in the target. What cannot
 * be resolved fails the item with what is missing and how to map it. Pure: it works on a
 * Directory of the target read beforehand.
 */
import type {
  ContactFlowSummary,
  QueueSummary,
  QuickConnectConfig,
  UserSummary,
} from "@aws-sdk/client-connect";
import { buildConfig, configRefs, isKnownType, type RefKind, typeInfo } from "../quick_connect.ts";
import type { ImportItem } from "./input.ts";
import { entryName, lookup, type Mapping, MAPPING_SECTIONS, SECTION_OF } from "./mapping.ts";

/** A source reference that did not resolve: what a mapping entry would fix. */
export interface MissingRef {
  kind: "user" | "queue" | "flow";
  id: string;
  name?: string;
}

type Resolution<T> =
  | { ok: true; value: T }
  | { ok: false; error: string; missing?: MissingRef[] };

const ok = <T>(value: T): Resolution<T> => ({ ok: true, value });
const no = <T>(error: string): Resolution<T> => ({ ok: false, error });

/** The first of `list` for each key. */
function index<T>(list: readonly T[], key: (x: T) => string | undefined): Map<string, T> {
  const m = new Map<string, T>();
  for (const x of list) {
    const k = key(x);
    if (k !== undefined && !m.has(k)) m.set(k, x);
  }
  return m;
}

/** The target's users, standard queues and flows, indexed once for lookups. */
export class Directory {
  readonly users: readonly UserSummary[];
  readonly queues: readonly QueueSummary[];
  readonly flows: readonly ContactFlowSummary[];
  readonly #users: Record<"id" | "name", Map<string, UserSummary>>;
  readonly #queues: Record<"id" | "name", Map<string, QueueSummary>>;
  readonly #flowById: Map<string, ContactFlowSummary>;
  readonly #flowsByName: Map<string | undefined, ContactFlowSummary[]>;

  constructor(
    lists: {
      users?: readonly UserSummary[];
      queues?: readonly QueueSummary[];
      flows?: readonly ContactFlowSummary[];
    } = {},
  ) {
    const { users = [], queues = [], flows = [] } = lists;
    [this.users, this.queues, this.flows] = [users, queues, flows];
    this.#users = { id: index(users, (u) => u.Id), name: index(users, (u) => u.Username) };
    this.#queues = { id: index(queues, (q) => q.Id), name: index(queues, (q) => q.Name) };
    this.#flowById = index(flows, (f) => f.Id);
    this.#flowsByName = Map.groupBy(flows, (f) => f.Name);
  }

  /** A user's, queue's or flow's name by its ID: what a change shows instead of the ID. */
  nameOf(id: string): string | undefined {
    return this.#users.id.get(id)?.Username ?? this.#queues.id.get(id)?.Name ??
      this.#flowById.get(id)?.Name;
  }

  user(idOrName: string, by: "id" | "name"): UserSummary | undefined {
    return this.#users[by].get(idOrName);
  }
  queue(idOrName: string, by: "id" | "name"): QueueSummary | undefined {
    return this.#queues[by].get(idOrName);
  }
  flow(id: string): ContactFlowSummary | undefined {
    return this.#flowById.get(id);
  }
  flowsNamed(name: string): readonly ContactFlowSummary[] {
    return this.#flowsByName.get(name) ?? [];
  }
}

const q = (s: string) => `'${s}'`;

/** A file that names its queues only (the earlier scripts') has the name as the ID. */
function described(kind: string, id: string, name?: string): string {
  if (name === undefined || name === "") return `${kind} with source id ${id}`;
  return name === id ? `${kind} ${q(name)}` : `${kind} ${q(name)} (source id ${id})`;
}

/** How users and standard queues are named in messages. */
const NAMED = {
  Users: { word: "user", noun: "user", named: "username" },
  Queues: { word: "queue", noun: "standard queue", named: "queue name" },
} as const;

/**
 * Users and standard queues resolve alike: a mapping entry for the source ID or name (to a
 * target ID or name), else the same name in the target, else the same ID.
 */
function resolveNamed<T extends { Id?: string }>(
  section: keyof typeof NAMED,
  find: (key: string, by: "id" | "name") => T | undefined,
  mapping: Mapping,
  id: string,
  name?: string,
): Resolution<T> {
  const { word, noun, named } = NAMED[section];
  const m = lookup(mapping, section, id, name);
  if (m) {
    const hit = find(m.value, "id") ?? find(m.value, "name");
    const entry = `${entryName(section, m.key)} → ${q(m.value)}`;
    if (hit?.Id) return ok(hit);
    return no(
      `mapping ${entry} names no ${noun} in the target (neither a ${word} ID nor a ${named})`,
    );
  }
  const byName = name ? find(name, "name") : undefined;
  if (byName?.Id) return ok(byName);
  const same = find(id, "id");
  if (same) return ok(same);
  const what = described(word, id, name);
  return no(`${what} not found in target; create it or map it in --mapping under ${section}`);
}

export function resolveQueue(
  dir: Directory,
  mapping: Mapping,
  id: string,
  name?: string,
): Resolution<QueueSummary> {
  return resolveNamed("Queues", (k, by) => dir.queue(k, by), mapping, id, name);
}

/**
 * Flows match by name and type: a QUEUE_TRANSFER flow named like an AGENT_TRANSFER one is
 * another flow. Without a known type (the earlier scripts' files, a References entry without
 * Type, a mapping to a name) the type the quick connect needs is preferred, so the answer
 * does not depend on the order of the target's flows. Whatever resolves must then be of the
 * type the quick connect needs, else the item fails here, at plan time.
 */
export function resolveFlow(
  dir: Directory,
  mapping: Mapping,
  id: string,
  name: string | undefined,
  type: string | undefined,
  quickConnectType: string,
): Resolution<string> {
  const needed = typeInfo(quickConnectType)?.flowType;
  const wanted = type ?? needed;
  /** Among flows of one name, the one of the wanted type, else the needed one, else the only one. */
  const pick = (named: readonly ContactFlowSummary[]) =>
    named.find((f) => f.ContactFlowType === wanted) ??
      named.find((f) => f.ContactFlowType === needed) ??
      (named.length === 1 ? named[0] : undefined);
  const m = lookup(mapping, "ContactFlows", id, name);
  if (m) {
    const byId = dir.flow(m.value);
    const named = byId ? [] : dir.flowsNamed(m.value);
    const hit = byId ?? pick(named);
    const via = `mapping ${entryName("ContactFlows", m.key)} → ${q(m.value)}`;
    if (hit?.Id) return checkFlowType(hit, quickConnectType, via);
    const types = named.map((f) => f.ContactFlowType).join(", ");
    return no(
      named.length > 1
        ? `${via} matches ${named.length} flows of types ${types}; map it to a flow ID instead`
        : `${via} names no flow in the target (neither a flow ID nor a flow name)`,
    );
  }
  if (name) {
    const named = dir.flowsNamed(name);
    // A known source type must match exactly; without one, prefer the needed type.
    const hit = type !== undefined ? named.find((f) => f.ContactFlowType === type) : pick(named);
    if (hit?.Id) return checkFlowType(hit, quickConnectType, `flow ${q(name)} (source id ${id})`);
  }
  const same = dir.flow(id);
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
  const needed = typeInfo(quickConnectType)?.flowType;
  const id = flow.Id ?? "";
  // A flow whose type the target did not say is given the benefit of the doubt.
  if (needed === undefined || flow.ContactFlowType === undefined) return ok(id);
  if (flow.ContactFlowType === needed) return ok(id);
  const target = q(flow.Name ?? id);
  return no(
    `${via} resolves to target flow ${target} (${id}) of type ${flow.ContactFlowType}, but a ${quickConnectType} quick connect needs a flow of type ${needed}; map it in --mapping under ContactFlows to a ${needed} flow`,
  );
}

/** Which target lists resolving an item needs, so nothing is listed for nothing. */
export function needs(item: ImportItem): Set<RefKind> {
  return new Set(configRefs(item.config).map((r) => r.kind));
}

/**
 * The config to send to the target. The References entry is used only when its ID is
 * the one in the config: a hand-edited file must not resolve a name for another ID.
 */
export function resolveConfig(
  item: ImportItem,
  dir: Directory,
  mapping: Mapping,
): Resolution<QuickConnectConfig> {
  const type = item.config.QuickConnectType;
  if (!isKnownType(type)) return no(`type ${String(type)} cannot be imported`);
  const refs = item.references;
  const errors: string[] = [];
  const missing: MissingRef[] = [];
  const values: Record<string, string> = {};
  for (const { field, kind, value } of configRefs(item.config)) {
    const id = value ?? "";
    const flow = kind === "flow" && refs.ContactFlow?.Id === id ? refs.ContactFlow : undefined;
    const name = kind === "user"
      ? (refs.User?.Id === id ? refs.User.Username : undefined)
      : kind === "queue"
      ? (refs.Queue?.Id === id ? refs.Queue.Name : undefined)
      : flow?.Name;
    let r: Resolution<string>;
    if (kind === "phone") r = ok(mapping.PhoneNumbers.get(id) ?? id);
    else if (kind === "flow") r = resolveFlow(dir, mapping, id, name, flow?.Type, type);
    else {
      const hit = kind === "user"
        ? resolveNamed("Users", (k, by) => dir.user(k, by), mapping, id, name)
        : resolveQueue(dir, mapping, id, name);
      r = hit.ok ? ok(hit.value.Id ?? id) : hit;
    }
    if (!r.ok) {
      errors.push(r.error);
      if (kind !== "phone") missing.push({ kind, id, ...(name ? { name } : {}) });
    }
    values[field] = r.ok ? r.value : id;
  }
  return errors.length > 0
    ? { ok: false, error: errors.join("; "), missing }
    : ok(buildConfig(type, values));
}

/**
 * Mapping entries whose key is no source ID, name or phone number anywhere in the file.
 * Checked against the whole file, not against what this run resolved, so the answer does
 * not depend on --on-conflict (a skipped item resolves nothing).
 */
export function unusedMappingEntries(mapping: Mapping, items: readonly ImportItem[]): string[] {
  const seen = new Set<string>();
  const add = (section: keyof Mapping, ...keys: (string | undefined)[]) => {
    for (const k of keys) if (k !== undefined) seen.add(entryName(section, k));
  };
  for (const it of items) {
    const r = it.references;
    for (const { kind, value } of configRefs(it.config)) add(SECTION_OF[kind], value);
    add("Users", r.User?.Id, r.User?.Username);
    add("Queues", r.Queue?.Id, r.Queue?.Name);
    for (const qu of it.queues) add("Queues", qu.Id, qu.Name);
    add("ContactFlows", r.ContactFlow?.Id, r.ContactFlow?.Name);
  }
  return MAPPING_SECTIONS.flatMap((s) =>
    [...mapping[s].keys()].map((key) => entryName(s, key)).filter((e) => !seen.has(e))
  );
}
