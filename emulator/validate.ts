/**
 * Input validation with the model's constraints (docs/connect-api.md §3, §4, §6).
 *
 * The SDK validates nothing client-side, so the emulator is what catches bad
 * input. Constraint violations are InvalidParameterException (400), as Connect
 * reports them; a member of the wrong JSON type is a SerializationException.
 */
import {
  E164,
  KNOWN_TYPES,
  QUICK_CONNECT_TYPES as TYPE_TABLE,
  type RefKind,
  typeInfo,
} from "../lib/quick_connect.ts";
import { invalidParameter, serialization } from "./errors.ts";
import {
  CONTACT_FLOW_TYPES,
  QUEUE_TYPES,
  QUICK_CONNECT_TYPES,
  type QuickConnectConfig,
  type QuickConnectType,
} from "./fixture.ts";

export type Json = Record<string, unknown>;

/** E.164, not the model's double-escaped pattern (docs/connect-api.md §4); the project's one definition. */
export { E164 };
export const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

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
  enumList(values, QUICK_CONNECT_TYPES, 4, "QuickConnectTypes");
export const queueTypes = (values: string[]) => enumList(values, QUEUE_TYPES, 2, "queueTypes");
export const contactFlowTypes = (values: string[]) =>
  enumList(values, CONTACT_FLOW_TYPES, 10, "contactFlowTypes");

/** A TagMap: 1–50 entries, keys 1–128 without `aws:`, values 0–256. */
export function tagMap(value: unknown, member: string): Record<string, string> {
  const obj = asObject(value, member);
  const entries = Object.entries(obj);
  if (entries.length < 1 || entries.length > 50) {
    throw violation(member, obj, "Member must have length between 1 and 50");
  }
  for (const [k, v] of entries) {
    tagKey(k, `${member}.key`);
    if (typeof v !== "string") throw serialization(`${member}.${k} must be a string`);
    if ([...v].length > 256) {
      throw violation(`${member}.${k}`, v, "Member must have length less than or equal to 256");
    }
  }
  return obj as Record<string, string>;
}

export function tagKey(k: string, member: string): string {
  const n = [...k].length;
  if (n < 1 || n > 128) throw violation(member, k, "Member must have length between 1 and 128");
  if (!TAG_KEY.test(k)) {
    throw violation(
      member,
      k,
      "Member must satisfy regular expression pattern: ^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$",
    );
  }
  return k;
}

/** `tagKeys` of UntagResource: 1–50 valid keys. */
export function tagKeyList(values: string[]): string[] {
  if (values.length < 1 || values.length > 50) {
    throw violation("tagKeys", values, "Member must have length between 1 and 50");
  }
  return values.map((k) => tagKey(k, "tagKeys"));
}

/**
 * QuickConnectIds of associate/disassociate: 1–50 strings. QuickConnectId has
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
  if (value.length < 1 || value.length > 50) {
    throw violation("quickConnectIds", value, "Member must have length between 1 and 50");
  }
  for (const v of value) {
    if (typeof v !== "string") throw serialization("QuickConnectIds must hold strings");
  }
  return value as string[];
}

/**
 * The model's constraints on each sub-config field, by what the field holds (the fields
 * themselves and their order come from lib/quick_connect.ts): UserId and QueueId are
 * required strings, ContactFlowId 1–500, PhoneNumber E.164 (docs/connect-api.md §4).
 */
const FIELD_RULES: Record<RefKind, { min: number; max?: number; pattern?: RegExp }> = {
  user: { min: 1 },
  queue: { min: 1 },
  flow: { min: 1, max: 500 },
  phone: { min: 0, pattern: E164 },
};

/** `UserConfig` → `userConfig`: member paths in validation messages are lower camel case. */
const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/** The sub-config members of all types, in the type table's order. */
const MEMBERS = KNOWN_TYPES.map((t) => TYPE_TABLE[t].member);

/**
 * Shape of a QuickConnectConfig: the type, its matching sub-config with its
 * required members, and no other sub-config. Sending a sub-config of another
 * type is rejected; real behaviour there is UNVERIFIED (docs/connect-api.md §4), and a strict
 * emulator catches a tool that sends a mismatched config.
 * The member and fields of each type come from the project's type table
 * (lib/quick_connect.ts); the constraints on the fields are the model's (FIELD_RULES).
 * References (user/queue/flow exist, flow type) are checked by the caller.
 */
export function quickConnectConfig(value: unknown): QuickConnectConfig {
  if (value === undefined || value === null) {
    throw violation("quickConnectConfig", null, "Member must not be null");
  }
  const c = asObject(value, "QuickConnectConfig");
  const type = reqString(c, "QuickConnectType", { min: 0 }, "quickConnectConfig.quickConnectType");
  const info = typeInfo(type);
  if (!info) {
    throw violation(
      "quickConnectConfig.quickConnectType",
      type,
      `Member must satisfy enum value set: [${QUICK_CONNECT_TYPES.join(", ")}]`,
    );
  }
  const qcType = type as QuickConnectType;
  const wanted = info.member;
  for (const member of MEMBERS) {
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
  for (const [field, kind] of Object.entries(info.fields)) {
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
