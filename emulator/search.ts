/**
 * Search criteria and tag filters of SearchQuickConnects (docs/connect-api.md §5) and
 * SearchRoutingProfiles (docs/connect-api.md §11): one grammar, each with its own fields.
 *
 * Choices where the service is UNVERIFIED:
 * - Parts of one criteria node (StringCondition, AndConditions, OrConditions)
 *   are AND-ed together; likewise the parts of a tag filter.
 * - STARTS_WITH and CONTAINS ignore case; EXACT is case-sensitive, consistent
 *   with the case-sensitive name uniqueness of the emulator.
 * - `resourceID` matches the resource's ID or its ARN.
 * - `associatedQueueIds` (routing profiles) matches when any of its queue IDs does.
 * - The routing profile model's note that `name` and `description` take "contains"
 *   values of 2–25 characters is not enforced: what the service does outside that range
 *   ("invalid results") is not said.
 *
 * An explicit JSON null anywhere in these structures counts as the member
 * being absent, as for top-level members.
 */
import { invalidParameter } from "./errors.ts";
import type { QuickConnectRec, RoutingProfileRec } from "./state.ts";
import { asObject, type Json } from "./validate.ts";

export type Predicate<T = QuickConnectRec> = (item: T) => boolean;

/** The values a criteria field names on one resource, by the field's wire name. */
export type Fields<T> = Readonly<Record<string, (item: T) => readonly (string | undefined)[]>>;

/** API REF QuickConnectSearchCriteria: "name", "description" and "resourceID". */
export const QUICK_CONNECT_FIELDS: Fields<QuickConnectRec> = {
  name: (qc) => [qc.name],
  description: (qc) => [qc.description],
  resourceID: (qc) => [qc.id, qc.arn],
};

/** API REF RoutingProfileSearchCriteria: "associatedQueueIds", "name", "description", "resourceID". */
export const ROUTING_PROFILE_FIELDS: Fields<RoutingProfileRec> = {
  associatedQueueIds: (rp) => rp.queueIds,
  name: (rp) => [rp.name],
  description: (rp) => [rp.description],
  resourceID: (rp) => [rp.id, rp.arn],
};

const COMPARISONS = ["STARTS_WITH", "CONTAINS", "EXACT"] as const;

function list(value: unknown, member: string): unknown[] {
  if (!Array.isArray(value)) throw invalidParameter(`${member} must be a list`);
  return value;
}

/** Present = neither absent nor an explicit JSON null. */
const present = (v: unknown): boolean => v !== undefined && v !== null;

function str(obj: Json, member: string, path: string): string {
  const v = obj[member];
  if (typeof v !== "string") throw invalidParameter(`${path}.${member} is required`);
  return v;
}

/** Compiles a quick connect `SearchCriteria`; an absent criteria matches everything. */
export const compileCriteria = (value: unknown): Predicate =>
  criteriaOf(value, QUICK_CONNECT_FIELDS);

/** Compiles `SearchCriteria` over `fields`; an absent criteria matches everything. */
export function criteriaOf<T>(
  value: unknown,
  fields: Fields<T>,
  path = "SearchCriteria",
): Predicate<T> {
  if (!present(value)) return () => true;
  const node = asObject(value, path);
  const parts: Predicate<T>[] = [];
  if (present(node.StringCondition)) {
    const sc = asObject(node.StringCondition, `${path}.StringCondition`);
    const field = str(sc, "FieldName", `${path}.StringCondition`);
    const want = str(sc, "Value", `${path}.StringCondition`);
    const cmp = str(sc, "ComparisonType", `${path}.StringCondition`);
    const valuesOf = Object.hasOwn(fields, field) ? fields[field] : undefined;
    if (!valuesOf) {
      throw invalidParameter(
        `Unsupported FieldName ${field}; supported: ${Object.keys(fields).join(", ")}`,
      );
    }
    if (!(COMPARISONS as readonly string[]).includes(cmp)) {
      throw invalidParameter(`Unsupported ComparisonType ${cmp}`);
    }
    parts.push((item) =>
      valuesOf(item).some((v) => v !== undefined && compareString(v, want, cmp))
    );
  }
  if (present(node.AndConditions)) {
    const subs = list(node.AndConditions, `${path}.AndConditions`).map((c, i) =>
      criteriaOf(c, fields, `${path}.AndConditions[${i}]`)
    );
    parts.push((item) => subs.every((p) => p(item)));
  }
  if (present(node.OrConditions)) {
    const subs = list(node.OrConditions, `${path}.OrConditions`).map((c, i) =>
      criteriaOf(c, fields, `${path}.OrConditions[${i}]`)
    );
    parts.push((item) => subs.some((p) => p(item)));
  }
  return (item) => parts.every((p) => p(item));
}

function compareString(actual: string, want: string, cmp: string): boolean {
  if (cmp === "EXACT") return actual === want;
  const a = actual.toLowerCase();
  const w = want.toLowerCase();
  return cmp === "STARTS_WITH" ? a.startsWith(w) : a.includes(w);
}

/** What a tag filter looks at. */
type WithTags = { tags: Record<string, string> };

function tagCondition(value: unknown, path: string): Predicate<WithTags> {
  const c = asObject(value, path);
  const key = str(c, "TagKey", path);
  const want = present(c.TagValue) ? c.TagValue : undefined;
  if (want !== undefined && typeof want !== "string") {
    throw invalidParameter(`${path}.TagValue must be a string`);
  }
  // Without a TagValue the condition asks only that the key be present.
  return (r) => Object.hasOwn(r.tags, key) && (want === undefined || r.tags[key] === want);
}

/** Compiles `SearchFilter` (only `TagFilter` exists); absent = match all. */
export function compileFilter(value: unknown): Predicate<WithTags> {
  if (!present(value)) return () => true;
  const filter = asObject(value, "SearchFilter");
  if (!present(filter.TagFilter)) return () => true;
  const tf = asObject(filter.TagFilter, "SearchFilter.TagFilter");
  const parts: Predicate<WithTags>[] = [];
  if (present(tf.TagCondition)) {
    parts.push(tagCondition(tf.TagCondition, "SearchFilter.TagFilter.TagCondition"));
  }
  if (present(tf.AndConditions)) {
    const subs = list(tf.AndConditions, "AndConditions").map((c, i) =>
      tagCondition(c, `SearchFilter.TagFilter.AndConditions[${i}]`)
    );
    parts.push((r) => subs.every((p) => p(r)));
  }
  if (present(tf.OrConditions)) {
    // An OR of ANDs: the outer list is OR-ed, each inner list AND-ed.
    const groups = list(tf.OrConditions, "OrConditions").map((g, i) =>
      list(g, `OrConditions[${i}]`).map((c, j) =>
        tagCondition(c, `SearchFilter.TagFilter.OrConditions[${i}][${j}]`)
      )
    );
    parts.push((r) => groups.some((g) => g.every((p) => p(r))));
  }
  return (r) => parts.every((p) => p(r));
}
