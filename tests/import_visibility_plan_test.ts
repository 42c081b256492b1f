/**
 * lib/import/plan.ts planVisibility: who will see each quick connect once the plan is
 * applied — the links the target has, plus those the plan adds, less those it removes — for
 * the quick connects that will be in the target and whose file says who saw them.
 */
import assert from "node:assert/strict";
import type { ImportItem } from "../lib/import/input.ts";
import { type PlanEntry, planVisibility } from "../lib/import/plan.ts";
import { Directory } from "../lib/import/resolve.ts";
import type { TargetState } from "../lib/import/target.ts";
import { NameIndex } from "../lib/names.ts";
import type { RoutingProfileView } from "../lib/visibility.ts";

const item = (index: number, name: string, seenBy?: string[]): ImportItem => ({
  index,
  name,
  description: "",
  config: { QuickConnectType: "PHONE_NUMBER", PhoneConfig: { PhoneNumber: "+14155550100" } },
  tags: {},
  droppedTags: [],
  references: {},
  queues: [],
  ...(seenBy ? { seenBy: seenBy.map((Name) => ({ Name, Agents: 1, Queues: ["Q"] })) } : {}),
});

const target = (
  links: Record<string, string[]>,
  routingProfiles: TargetState["routingProfiles"],
): TargetState => ({
  quickConnects: new NameIndex(),
  unreadable: new Map(),
  directory: new Directory(),
  links: new Map(Object.entries(links).map(([q, ids]) => [q, new Set(ids)])),
  linkErrors: new Map(),
  search: { available: true },
  readAt: 0,
  ...(routingProfiles && { routingProfiles }),
});

const profile = (name: string, ...queueIds: string[]): RoutingProfileView => ({
  id: `rp-${name}`,
  name,
  queueIds,
  agents: 1,
});

Deno.test("planVisibility: links present, added and removed; a quick connect that will not be in the target, or whose file says nothing, is left out", () => {
  const entries: PlanEntry[] = [
    { kind: "skip", item: item(0, "Kept", ["A"]), targetId: "t0" },
    { kind: "create", item: item(1, "New", ["A", "B"]), config: item(1, "").config },
    { kind: "unchanged", item: item(2, "Unlinked", ["A"]), targetId: "t2" },
    { kind: "fail", item: item(3, "Failed", ["A"]), cause: "unresolved", reason: "no queue" },
    { kind: "fail", item: item(4, "Exists", ["B"]), cause: "exists", reason: "", targetId: "t4" },
    { kind: "create", item: item(5, "Silent"), config: item(5, "").config },
  ];
  const state = target({ "q-a": ["t0", "t2", "other"], "q-b": ["t4"] }, [
    profile("A", "q-a"),
    profile("B", "q-b"),
  ]);
  const seen = planVisibility(
    entries,
    state,
    [{ queueId: "q-b", queueName: "B", add: [{ index: 1, name: "New", source: "B" }] }],
    [{ queueId: "q-a", queueName: "A", remove: [{ targetId: "t2", name: "Unlinked" }] }],
  );
  assert.ok(Array.isArray(seen));
  assert.deepEqual(seen.map((v) => [v.name, v.source, v.target, v.loss?.why ?? []]), [
    ["Kept", ["A"], ["A"], []],
    ["New", ["A", "B"], ["B"], ["'A' has none of its queues ('Q')"]],
    ["Unlinked", ["A"], [], ["'A' has none of its queues ('Q')"]],
    ["Exists", ["B"], ["B"], []],
  ]);
  // Without the plan's changes: who sees them now (what --verify compares).
  const now = planVisibility(entries, state);
  assert.ok(Array.isArray(now));
  assert.deepEqual(now.map((v) => v.target), [["A"], [], ["A"], ["B"]]);
});

Deno.test("planVisibility: routing profiles not read, or denied, pass through", () => {
  const entries: PlanEntry[] = [{ kind: "skip", item: item(0, "Kept", ["A"]), targetId: "t0" }];
  assert.equal(planVisibility(entries, target({}, undefined)), undefined);
  assert.deepEqual(planVisibility(entries, target({}, { denied: "AccessDeniedException: no" })), {
    denied: "AccessDeniedException: no",
  });
});
