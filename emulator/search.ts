/**
 * SearchQuickConnects criteria and tag filters (docs/connect-api.md §5).
 *
 * Choices where the service is UNVERIFIED:
 * - Parts of one criteria node (StringCondition, AndConditions, OrConditions)
 *   are AND-ed together; likewise the parts of a tag filter.
 * - STARTS_WITH and CONTAINS ignore case; EXACT is case-sensitive, consistent
 *   with the case-sensitive name uniqueness of the emulator.
 * - `resourceID` matches the quick connect ID or its ARN.
 *
 * An explicit JSON null anywhere in these structures counts as the member
 * being absent, as for top-level members.
 */
import { invalidParameter } from "./errors.ts";
import type { QuickConnectRec } from "./state.ts";
import { asObject, type Json } from "./validate.ts";

export type Predicate = (qc: QuickConnectRec) => boolean;

const FIELDS = ["name", "description", "resourceID"] as const;
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

/** Compiles `SearchCriteria`; an absent criteria matches everything. */
export function compileCriteria(value: unknown, path = "SearchCriteria"): Predicate {
  if (!present(value)) return () => true;
  const node = asObject(value, path);
  const parts: Predicate[] = [];
  if (present(node.StringCondition)) {
    const sc = asObject(node.StringCondition, `${path}.StringCondition`);
    const field = str(sc, "FieldName", `${path}.StringCondition`);
    const want = str(sc, "Value", `${path}.StringCondition`);
    const cmp = str(sc, "ComparisonType", `${path}.StringCondition`);
    if (!(FIELDS as readonly string[]).includes(field)) {
      throw invalidParameter(
        `Unsupported FieldName ${field}; supported: ${FIELDS.join(", ")}`,
      );
    }
    if (!(COMPARISONS as readonly string[]).includes(cmp)) {
      throw invalidParameter(`Unsupported ComparisonType ${cmp}`);
    }
    parts.push((qc) => {
      const values = field === "name"
        ? [qc.name]
        : field === "description"
        ? (qc.description === undefined ? [] : [qc.description])
        : [qc.id, qc.arn];
      return values.some((v) => compareString(v, want, cmp));
    });
  }
  if (present(node.AndConditions)) {
    const subs = list(node.AndConditions, `${path}.AndConditions`).map((c, i) =>
      compileCriteria(c, `${path}.AndConditions[${i}]`)
    );
    parts.push((qc) => subs.every((p) => p(qc)));
  }
  if (present(node.OrConditions)) {
    const subs = list(node.OrConditions, `${path}.OrConditions`).map((c, i) =>
      compileCriteria(c, `${path}.OrConditions[${i}]`)
    );
    parts.push((qc) => subs.some((p) => p(qc)));
  }
  return (qc) => parts.every((p) => p(qc));
}

function compareString(actual: string, want: string, cmp: string): boolean {
  if (cmp === "EXACT") return actual === want;
  const a = actual.toLowerCase();
  const w = want.toLowerCase();
  return cmp === "STARTS_WITH" ? a.startsWith(w) : a.includes(w);
}

function tagCondition(value: unknown, path: string): Predicate {
  const c = asObject(value, path);
  const key = str(c, "TagKey", path);
  const want = present(c.TagValue) ? c.TagValue : undefined;
  if (want !== undefined && typeof want !== "string") {
    throw invalidParameter(`${path}.TagValue must be a string`);
  }
  // Without a TagValue the condition asks only that the key be present.
  return (qc) => Object.hasOwn(qc.tags, key) && (want === undefined || qc.tags[key] === want);
}

/** Compiles `SearchFilter` (only `TagFilter` exists); absent = match all. */
export function compileFilter(value: unknown): Predicate {
  if (!present(value)) return () => true;
  const filter = asObject(value, "SearchFilter");
  if (!present(filter.TagFilter)) return () => true;
  const tf = asObject(filter.TagFilter, "SearchFilter.TagFilter");
  const parts: Predicate[] = [];
  if (present(tf.TagCondition)) {
    parts.push(tagCondition(tf.TagCondition, "SearchFilter.TagFilter.TagCondition"));
  }
  if (present(tf.AndConditions)) {
    const subs = list(tf.AndConditions, "AndConditions").map((c, i) =>
      tagCondition(c, `SearchFilter.TagFilter.AndConditions[${i}]`)
    );
    parts.push((qc) => subs.every((p) => p(qc)));
  }
  if (present(tf.OrConditions)) {
    // An OR of ANDs: the outer list is OR-ed, each inner list AND-ed.
    const groups = list(tf.OrConditions, "OrConditions").map((g, i) =>
      list(g, `OrConditions[${i}]`).map((c, j) =>
        tagCondition(c, `SearchFilter.TagFilter.OrConditions[${i}][${j}]`)
      )
    );
    parts.push((qc) => groups.some((g) => g.every((p) => p(qc))));
  }
  return (qc) => parts.every((p) => p(qc));
}
