/** NextToken paging: several pages, default page sizes, and stability under concurrent writes. */
import assert from "node:assert/strict";
import {
  CreateQuickConnectCommand,
  DeleteQuickConnectCommand,
  ListQuickConnectsCommand,
  paginateListContactFlows,
  paginateListInstances,
  paginateListQueueQuickConnects,
  paginateListQueues,
  paginateListQuickConnects,
  paginateListUsers,
  paginateSearchQuickConnects,
  SearchQuickConnectsCommand,
} from "@aws-sdk/client-connect";
import { type FixtureInput, startEmulator, testClient } from "../emulator/testing.ts";

const pad = (i: number) => String(i).padStart(3, "0");

/** One big instance (for item paging) plus 11 small ones in the same region (ListInstances). */
function bigSeed(): FixtureInput {
  const qcs = Array.from({ length: 250 }, (_, i) => ({
    QuickConnectId: `qc-${pad(i)}`,
    Name: `Phone ${pad(i)}`,
    QuickConnectConfig: {
      QuickConnectType: "PHONE_NUMBER" as const,
      PhoneConfig: { PhoneNumber: `+1555000${pad(i)}` },
    },
    Tags: { Parity: i % 2 === 0 ? "even" : "odd" },
  }));
  return {
    Instances: [
      {
        Id: "big",
        Alias: "big",
        Region: "us-east-1",
        AccountId: "123456789012",
        QuickConnectQuota: 1000,
        Users: Array.from({ length: 120 }, (_, i) => ({ Id: `u-${pad(i)}`, Username: `user${i}` })),
        Queues: [{ Id: "q-main", Name: "Main", QueueType: "STANDARD" }],
        ContactFlows: Array.from({ length: 105 }, (_, i) => ({
          Id: `f-${pad(i)}`,
          Name: `Flow ${i}`,
          ContactFlowType: "CONTACT_FLOW" as const,
        })),
        QuickConnects: qcs,
        QueueQuickConnects: { "q-main": qcs.slice(0, 130).map((q) => q.QuickConnectId) },
      },
      ...Array.from({ length: 11 }, (_, i) => ({
        Id: `small-${pad(i)}`,
        Alias: `small${i}`,
        Region: "us-east-1",
        AccountId: "123456789012",
      })),
    ],
  };
}

Deno.test("default page sizes and multi-page walks for every paginated operation", async () => {
  await using emu = await startEmulator({ seed: bigSeed(), quotas: false });
  const c = testClient(emu);
  const sizes = async <T>(pages: AsyncIterable<T>, items: (p: T) => unknown[] | undefined) => {
    const out: number[] = [];
    for await (const p of pages) out.push(items(p)?.length ?? 0);
    return out;
  };
  // A fresh input per walk: SDK paginators write NextToken into the input object.
  const I = () => ({ InstanceId: "big" });
  assert.deepEqual(
    await sizes(paginateListQuickConnects({ client: c }, I()), (p) => p.QuickConnectSummaryList),
    [100, 100, 50],
  );
  assert.deepEqual(
    await sizes(paginateSearchQuickConnects({ client: c }, I()), (p) => p.QuickConnects),
    [100, 100, 50],
  );
  assert.deepEqual(
    await sizes(paginateListUsers({ client: c }, I()), (p) => p.UserSummaryList),
    [100, 20],
  );
  // 120 AGENT queues + 1 STANDARD queue.
  assert.deepEqual(
    await sizes(paginateListQueues({ client: c }, I()), (p) => p.QueueSummaryList),
    [100, 21],
  );
  assert.deepEqual(
    await sizes(paginateListContactFlows({ client: c }, I()), (p) => p.ContactFlowSummaryList),
    [100, 5],
  );
  assert.deepEqual(
    await sizes(
      paginateListQueueQuickConnects({ client: c }, { ...I(), QueueId: "q-main" }),
      (p) => p.QuickConnectSummaryList,
    ),
    [100, 30],
  );
  assert.deepEqual(
    await sizes(paginateListInstances({ client: c }, {}), (p) => p.InstanceSummaryList),
    [10, 2],
  );
  assert.deepEqual(
    await sizes(
      paginateListQuickConnects({ client: c, pageSize: 7 }, {
        ...I(),
        QuickConnectTypes: ["PHONE_NUMBER"],
      }),
      (p) => p.QuickConnectSummaryList,
    ),
    [...Array(35).fill(7), 5],
  );
  c.destroy();
});

Deno.test("a token survives concurrent creates and deletes: no skip, no repeat", async () => {
  await using emu = await startEmulator({ seed: bigSeed(), quotas: false });
  const c = testClient(emu);
  const seen: string[] = [];
  const deleted = new Set<string>();
  const deletedUnseen = new Set<string>();
  let token: string | undefined;
  let round = 0;
  do {
    const page = await c.send(
      new ListQuickConnectsCommand({ InstanceId: "big", MaxResults: 40, NextToken: token }),
    );
    seen.push(...(page.QuickConnectSummaryList ?? []).map((s) => s.Id ?? ""));
    token = page.NextToken;
    // Between pages: delete an item not yet seen, delete one already seen, and
    // create items that sort before and after the cursor.
    const notSeen = `qc-${pad(249 - round)}`;
    const alreadySeen = seen[0] ?? "";
    for (const id of [notSeen, alreadySeen]) {
      if (!deleted.has(id)) {
        await c.send(new DeleteQuickConnectCommand({ InstanceId: "big", QuickConnectId: id }));
        deleted.add(id);
        if (!seen.includes(id)) deletedUnseen.add(id);
      }
    }
    await c.send(
      new CreateQuickConnectCommand({
        InstanceId: "big",
        Name: `New ${round}`,
        QuickConnectConfig: {
          QuickConnectType: "PHONE_NUMBER",
          PhoneConfig: { PhoneNumber: "+15551112222" },
        },
      }),
    );
    round++;
  } while (token);
  assert.equal(new Set(seen).size, seen.length, "no item repeated");
  const survivors = Array.from({ length: 250 }, (_, i) => `qc-${pad(i)}`).filter((id) =>
    !deleted.has(id)
  );
  for (const id of survivors) {
    assert.ok(seen.includes(id), `${id} existed throughout but was skipped`);
  }
  assert.ok(deletedUnseen.size >= 5, "the walk really deleted items ahead of the cursor");
  for (const id of deletedUnseen) assert.ok(!seen.includes(id), `${id} deleted before its page`);
  c.destroy();
});

Deno.test("Search paging: filters apply on every page, ApproximateTotalCount is the match count", async () => {
  await using emu = await startEmulator({ seed: bigSeed(), quotas: false });
  const c = testClient(emu);
  const names: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const r = await c.send(
      new SearchQuickConnectsCommand({
        InstanceId: "big",
        MaxResults: 30,
        NextToken: token,
        SearchFilter: { TagFilter: { TagCondition: { TagKey: "Parity", TagValue: "odd" } } },
        SearchCriteria: {
          StringCondition: { FieldName: "name", Value: "Phone 1", ComparisonType: "STARTS_WITH" },
        },
      }),
    );
    assert.equal(r.ApproximateTotalCount, 50);
    names.push(...(r.QuickConnects ?? []).map((q) => q.Name ?? ""));
    token = r.NextToken;
    pages++;
  } while (token);
  assert.equal(pages, 2);
  assert.equal(names.length, 50);
  assert.ok(names.every((n) => /^Phone 1\d[13579]$/.test(n)), names.join());
  c.destroy();
});
