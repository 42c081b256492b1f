/**
 * Input validation with the model's constraints (the limits, enums and patterns of
 * model.ts).
 *
 * The SDK validates nothing client-side, so the emulator is what catches bad
 * input. Constraint violations are InvalidParameterException (400), as Connect
 * reports them; a member of the wrong JSON type is a SerializationException.
 */
import { invalidParameter, serialization } from "./errors.ts";
import type { QuickConnectConfig } from "./fixture.ts";
import {
  CONFIG_MEMBERS,
  CONFIG_SHAPES,
  CONTACT_FLOW_TYPES,
  E164,
  type FieldKind,
  isQuickConnectType,
  LIMITS,
  QUEUE_TYPES,
  QUICK_CONNECT_TYPES,
  TAG_KEY,
} from "./model.ts";

export type Json = Record<string, unknown>;

const violation = (member: string, value: unknown, constraint: string) =>
  invalidParameter(
    `1 validation error detected: Value ${
      JSON.stringify(value)
    } at '${member}' failed to satisfy constraint: ${constraint}`,
  );

/** Checks that a parsed body is a JSON object. */
export function asObject(value: unknown, member: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw serialization(`${member} must be a JSON object`);
  }
  return value as Json;
}

export function optString(
  obj: Json,
  member: string,
  len: { min: number; max?: number },
  path = member,
): string | undefined {
  const v = obj[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw serialization(`${path} must be a string`);
  // Lengths count code points, as Smithy's length trait does.
  const n = [...v].length;
  if (n < len.min) {
    throw violation(path, v, `Member must have length greater than or equal to ${len.min}`);
  }
  if (len.max !== undefined && n > len.max) {
    throw violation(path, v, `Member must have length less than or equal to ${len.max}`);
  }
  return v;
}

export function reqString(
  obj: Json,
  member: string,
  len: { min: number; max?: number } = { min: 0 },
  path = member,
): string {
  const v = optString(obj, member, len, path);
  if (v === undefined) throw violation(path, null, "Member must not be null");
  return v;
}

function intRange(n: number, max: number, member: string): number {
  if (n < 1) throw violation(member, n, "Member must have value greater than or equal to 1");
  if (n > max) throw violation(member, n, `Member must have value less than or equal to ${max}`);
  return n;
}

/**
 * Parses the `maxResults` query value. Query values are strings on the wire,
 * so only here is a string parsed as an integer.
 */
export function queryMaxResults(
  raw: string | null | undefined,
  max: number,
  fallback: number,
  member = "maxResults",
): number {
  if (raw === undefined || raw === null) return fallback;
  if (!/^-?\d+$/.test(raw)) throw serialization(`${member} must be an integer`);
  return intRange(Number(raw), max, member);
}

/**
 * Checks a `MaxResults` JSON body member: it must be a JSON number holding an
 * integer. A string (even `"5"`) is a wrongly typed member: SerializationException.
 */
export function bodyMaxResults(
  raw: unknown,
  max: number,
  fallback: number,
  member = "MaxResults",
): number {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== "number" || !Number.isInteger(raw)) {
    throw serialization(`${member} must be an integer`);
  }
  return intRange(raw, max, member);
}

/** Repeated query values that must each be in `allowed`, at most `maxItems` of them. */
export function enumList<T extends string>(
  values: string[],
  allowed: readonly T[],
  maxItems: number,
  member: string,
): T[] {
  if (values.length > maxItems) {
    throw violation(member, values, `Member must have length less than or equal to ${maxItems}`);
  }
  for (const v of values) {
    if (!(allowed as readonly string[]).includes(v)) {
      throw violation(member, v, `Member must satisfy enum value set: [${allowed.join(", ")}]`);
    }
  }
  return values as T[];
}

export const quickConnectTypes = (values: string[]) =>
  enumList(
    values,
    QUICK_CONNECT_TYPES,
    LIMITS.quickConnectTypesFilter.max,
    "QuickConnectTypes",
  );
export const queueTypes = (values: string[]) =>
  enumList(values, QUEUE_TYPES, LIMITS.queueTypesFilter.max, "queueTypes");
export const contactFlowTypes = (values: string[]) =>
  enumList(values, CONTACT_FLOW_TYPES, LIMITS.contactFlowTypesFilter.max, "contactFlowTypes");

const between = (r: { min: number; max: number }) =>
  `Member must have length between ${r.min} and ${r.max}`;

/** A TagMap: its entries, keys and values within LIMITS, keys without `aws:`. */
export function tagMap(value: unknown, member: string): Record<string, string> {
  const obj = asObject(value, member);
  const entries = Object.entries(obj);
  if (entries.length < LIMITS.tags.min || entries.length > LIMITS.tags.max) {
    throw violation(member, obj, between(LIMITS.tags));
  }
  for (const [k, v] of entries) {
    tagKey(k, `${member}.key`);
    if (typeof v !== "string") throw serialization(`${member}.${k} must be a string`);
    if ([...v].length > LIMITS.tagValue.max) {
      throw violation(
        `${member}.${k}`,
        v,
        `Member must have length less than or equal to ${LIMITS.tagValue.max}`,
      );
    }
  }
  return obj as Record<string, string>;
}

export function tagKey(k: string, member: string): string {
  const n = [...k].length;
  if (n < LIMITS.tagKey.min || n > LIMITS.tagKey.max) {
    throw violation(member, k, between(LIMITS.tagKey));
  }
  if (!TAG_KEY.test(k)) {
    throw violation(member, k, `Member must satisfy regular expression pattern: ${TAG_KEY.source}`);
  }
  return k;
}

/** `tagKeys` of UntagResource: valid keys, as many as LIMITS.tagKeys allows. */
export function tagKeyList(values: string[]): string[] {
  if (values.length < LIMITS.tagKeys.min || values.length > LIMITS.tagKeys.max) {
    throw violation("tagKeys", values, between(LIMITS.tagKeys));
  }
  return values.map((k) => tagKey(k, "tagKeys"));
}

/**
 * QuickConnectIds of associate/disassociate: 1–50 strings per call. QuickConnectId has
 * no length constraint, so `""` is a valid member; the caller answers
 * ResourceNotFoundException for it like for any unknown ID.
 */
export function quickConnectIds(value: unknown): string[] {
  if (!Array.isArray(value)) {
    if (value === undefined || value === null) {
      throw violation("quickConnectIds", null, "Member must not be null");
    }
    throw serialization("QuickConnectIds must be a list");
  }
  const per = LIMITS.quickConnectIdsPerCall;
  if (value.length < per.min || value.length > per.max) {
    throw violation("quickConnectIds", value, between(per));
  }
  for (const v of value) {
    if (typeof v !== "string") throw serialization("QuickConnectIds must hold strings");
  }
  return value as string[];
}

/**
 * The constraints on each sub-config field, by what the field holds: every field is
 * required; ContactFlowId at most LIMITS.contactFlowId.max, PhoneNumber E.164 (model).
 * The minimum of 1 on the IDs is ours: the model bounds none of them below, and an empty
 * ID names no resource anyway.
 */
const FIELD_RULES: Record<FieldKind, { min: number; max?: number; pattern?: RegExp }> = {
  user: { min: 1 },
  queue: { min: 1 },
  flow: { min: 1, max: LIMITS.contactFlowId.max },
  phone: { min: 0, pattern: E164 },
};

/** `UserConfig` → `userConfig`: member paths in validation messages are lower camel case. */
const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/**
 * Shape of a QuickConnectConfig: the type, its matching sub-config with its
 * required members, and no other sub-config. Sending a sub-config of another
 * type is rejected; real behaviour there is UNVERIFIED (docs/connect-api.md §4), and a strict
 * emulator catches a tool that sends a mismatched config.
 * The member and fields of each type are the model's (CONFIG_SHAPES), and so are the
 * constraints on the fields (FIELD_RULES).
 * References (user/queue/flow exist, flow type) are checked by the caller.
 */
export function quickConnectConfig(value: unknown): QuickConnectConfig {
  if (value === undefined || value === null) {
    throw violation("quickConnectConfig", null, "Member must not be null");
  }
  const c = asObject(value, "QuickConnectConfig");
  const type = reqString(c, "QuickConnectType", { min: 0 }, "quickConnectConfig.quickConnectType");
  if (!isQuickConnectType(type)) {
    throw violation(
      "quickConnectConfig.quickConnectType",
      type,
      `Member must satisfy enum value set: [${QUICK_CONNECT_TYPES.join(", ")}]`,
    );
  }
  const qcType = type;
  const shape = CONFIG_SHAPES[qcType];
  const wanted = shape.member;
  for (const member of CONFIG_MEMBERS) {
    if (member !== wanted && c[member] !== undefined && c[member] !== null) {
      throw invalidParameter(
        `${member} is not allowed for QuickConnectType ${qcType}; only ${wanted} may be set.`,
      );
    }
  }
  if (c[wanted] === undefined || c[wanted] === null) {
    throw invalidParameter(`${wanted} is required when QuickConnectType is ${qcType}.`);
  }
  const sub = asObject(c[wanted], wanted);
  const out: Record<string, string> = {};
  for (const [field, kind] of Object.entries<FieldKind>(shape.fields)) {
    const path = `quickConnectConfig.${lowerFirst(wanted)}.${lowerFirst(field)}`;
    const rule = FIELD_RULES[kind];
    const v = reqString(sub, field, { min: rule.min, max: rule.max }, path);
    if (rule.pattern && !rule.pattern.test(v)) {
      throw violation(
        path,
        v,
        `Member must satisfy regular expression pattern: ${rule.pattern.source}`,
      );
    }
    out[field] = v;
  }
  return { QuickConnectType: qcType, [wanted]: out } as QuickConnectConfig;
}
