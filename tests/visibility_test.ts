/** lib/visibility.ts: who sees each quick connect, and what the target loses. */
import assert from "node:assert/strict";
import type { SeenBy } from "../lib/export_file.ts";
import { type RoutingProfileView, visibility, whoSees } from "../lib/visibility.ts";

/** The losses visibility() reports, in source order. */
const visibilityLosses = (...args: Parameters<typeof visibility>) =>
  visibility(...args).flatMap((v) => v.loss ? [v.loss] : []);

const profile = (name: string, agents: number, ...queueIds: string[]): RoutingProfileView => ({
  id: `rp-${name}`,
  name,
  agents,
  queueIds,
});

const links = (entries: Record<string, string[]>) =>
  new Map(Object.entries(entries).map(([q, qcs]) => [q, new Set(qcs)]));

Deno.test("whoSees: the routing profiles holding a queue a quick connect is on, in name order, with those queues", () => {
  const seen = whoSees(
    [
      profile("Support Agents", 8, "q-support"),
      profile("Sales Agents", 12, "q-sales", "q-overflow", "q-sales"),
      profile("Basic", 3, "q-support"),
    ],
    links({
      "q-sales": ["hotline", "both"],
      "q-overflow": ["hotline"],
      "q-support": ["both", "desk"],
      "q-billing": ["legal"],
    }),
  );
  assert.deepEqual(seen.get("hotline"), [
    { Name: "Sales Agents", Agents: 12, Queues: ["q-sales", "q-overflow"] },
  ]);
  assert.deepEqual(seen.get("both")?.map((s) => s.Name), [
    "Basic",
    "Sales Agents",
    "Support Agents",
  ]);
  assert.deepEqual(seen.get("desk")?.map((s) => s.Queues), [["q-support"], ["q-support"]]);
  assert.equal(seen.has("legal"), false, "on a queue no routing profile holds");
  assert.equal(whoSees([], links({ q: ["a"] })).size, 0);
});

const seenBy = (Name: string, Agents: number, ...Queues: string[]): SeenBy => ({
  Name,
  Agents,
  Queues,
});

Deno.test("visibilityLosses: a routing profile that lacks the queues, or does not exist, with the reason", () => {
  const source = new Map([
    ["Sales Hotline", [seenBy("Sales Agents", 12, "Sales", "Sales Overflow")]],
    ["Support Desk", [seenBy("Basic", 1, "Support"), seenBy("Support Agents", 8, "Support")]],
    ["Same", [seenBy("Basic", 1, "Support")]],
    ["Never seen", []],
  ]);
  const target = [profile("Sales Agents", 12, "t-other"), profile("Basic", 1, "t-support")];
  const planned = links({ "t-sales": ["Sales Hotline"], "t-support": ["Support Desk", "Same"] });
  const losses = visibilityLosses(source, target, planned);
  assert.deepEqual(losses, [
    {
      name: "Sales Hotline",
      lost: ["Sales Agents"],
      why: ["'Sales Agents' has none of its queues ('Sales', 'Sales Overflow')"],
      message:
        "Sales Hotline: seen in the source by 'Sales Agents' (12 agents); in the target by none — 'Sales Agents' has none of its queues ('Sales', 'Sales Overflow')",
    },
    {
      name: "Support Desk",
      lost: ["Support Agents"],
      why: ["'Support Agents' does not exist in the target"],
      message:
        "Support Desk: seen in the source by 'Basic' (1 agent), 'Support Agents' (8 agents); in the target by 'Basic' (1 agent) — 'Support Agents' does not exist in the target",
    },
  ]);
});

Deno.test("visibilityLosses: several routing profiles lost at once; gains and unknown quick connects are no loss", () => {
  const source = new Map([
    ["Desk", [seenBy("A", 2, "Q1"), seenBy("B", 0)]],
    ["Gains", [seenBy("A", 2, "Q1")]],
  ]);
  const target = [profile("A", 2, "t2"), profile("C", 5, "t1")];
  const losses = visibilityLosses(
    source,
    target,
    links({ t1: ["Desk", "Gains", "Not in the file"], t2: ["Gains"] }),
  );
  assert.deepEqual(losses.map((l) => [l.name, l.lost]), [["Desk", ["A", "B"]]]);
  assert.equal(
    losses[0]?.message,
    "Desk: seen in the source by 'A' (2 agents), 'B' (0 agents); in the target by 'C' (5 agents) — 'A' has none of its queues ('Q1'); 'B' does not exist in the target",
  );
  // A routing profile the file records without queues still gets a reason.
  const bare = visibilityLosses(new Map([["X", [seenBy("A", 1)]]]), [profile("A", 1)], links({}));
  assert.match(bare[0]?.message ?? "", /— 'A' has none of its queues$/);
});
