/**
 * Compares what the file asks for with a quick connect as the target has it: description,
 * config (only the sub-config of its type) and tags (never `aws:` keys, which the API
 * neither sets nor removes). Used to plan updates and to verify.
 */
import type { QuickConnect, QuickConnectConfig } from "@aws-sdk/client-connect";
import { isReservedTag, typeInfo } from "../quick_connect.ts";

interface Desired {
  description: string;
  config: QuickConnectConfig;
  tags: Record<string, string>;
}

export interface Difference {
  field: string;
  expected: string;
  actual: string;
}

/** Leaf fields of a config as `QuickConnectConfig.UserConfig.UserId` → value. */
function configFields(c: QuickConnectConfig | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!c) return out;
  out.set("QuickConnectConfig.QuickConnectType", String(c.QuickConnectType ?? ""));
  const member = typeInfo(c.QuickConnectType)?.member;
  const sub = member ? c[member] as Record<string, unknown> | undefined : undefined;
  for (const [k, v] of Object.entries(sub ?? {})) {
    if (v !== undefined) out.set(`QuickConnectConfig.${member}.${k}`, String(v));
  }
  return out;
}

export function userTags(tags: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags ?? {})) {
    if (!isReservedTag(k)) out[k] = v;
  }
  return out;
}

const show = (v: string | undefined) => v === undefined ? "(absent)" : JSON.stringify(v);

/** A config field's value as people read it: a user, queue or flow by its name in the target. */
function shown(field: string, v: string | undefined, nameOf?: (id: string) => string | undefined) {
  const name = v !== undefined && field.endsWith("Id") ? nameOf?.(v) : undefined;
  return name === undefined ? show(v) : `'${name}'`;
}

/**
 * The field's name as a reviewer reads it: `Description`, `Type`, `User`, `Queue`, `Flow`,
 * `PhoneNumber`, `Tags["Owner"]`.
 */
export function fieldLabel(field: string): string {
  const leaf = field.slice(field.lastIndexOf(".") + 1);
  const labels: Record<string, string> = {
    QuickConnectType: "Type",
    UserId: "User",
    QueueId: "Queue",
    ContactFlowId: "Flow",
  };
  return field.startsWith("Tags[") ? field : labels[leaf] ?? leaf;
}

/** `nameOf`: the target's name for a user, queue or flow ID, so a change reads by name. */
export function diffQuickConnect(
  want: Desired,
  have: QuickConnect,
  nameOf?: (id: string) => string | undefined,
): Difference[] {
  const out: Difference[] = [];
  const haveDesc = have.Description ?? "";
  if (want.description !== haveDesc) {
    out.push({ field: "Description", expected: show(want.description), actual: show(haveDesc) });
  }
  const a = configFields(want.config);
  const b = configFields(have.QuickConnectConfig);
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(k) !== b.get(k)) {
      out.push({
        field: k,
        expected: shown(k, a.get(k), nameOf),
        actual: shown(k, b.get(k), nameOf),
      });
    }
  }
  const ht = userTags(have.Tags);
  for (const k of new Set([...Object.keys(want.tags), ...Object.keys(ht)])) {
    if (want.tags[k] !== ht[k]) {
      out.push({
        field: `Tags[${JSON.stringify(k)}]`,
        expected: show(want.tags[k]),
        actual: show(ht[k]),
      });
    }
  }
  return out;
}

/** Which of description / config / tags differ, for the update plan and its log line. */
export function changedParts(diffs: readonly Difference[]): ("description" | "config" | "tags")[] {
  const parts = new Set<"description" | "config" | "tags">();
  for (const d of diffs) {
    if (d.field === "Description") parts.add("description");
    else if (d.field.startsWith("QuickConnectConfig")) parts.add("config");
    else parts.add("tags");
  }
  return (["description", "config", "tags"] as const).filter((p) => parts.has(p));
}

/** Tags to set and keys to remove so the target's user tags equal `want` exactly. */
export function tagChanges(
  want: Record<string, string>,
  have: Record<string, string> | undefined,
): { set: Record<string, string>; remove: string[] } {
  const ht = userTags(have);
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(want)) if (ht[k] !== v) set[k] = v;
  const remove = Object.keys(ht).filter((k) => !(k in want));
  return { set, remove };
}
