/**
 * Emulator modes for what the live service leaves open (docs/live-service.md):
 * consistency lag, Search without tags, per-operation quota overrides, the
 * TooManyRequestsException fault, and the ordered call log.
 */
import assert from "node:assert/strict";
import {
  AssociateQueueQuickConnectsCommand,
  ConnectClient,
  CreateQuickConnectCommand,
  DeleteQuickConnectCommand,
  DescribeInstanceCommand,
  DescribeQuickConnectCommand,
  DisassociateQueueQuickConnectsCommand,
  ListQueueQuickConnectsCommand,
  ListQuickConnectsCommand,
  ListTagsForResourceCommand,
  ListUsersCommand,
  SearchQuickConnectsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateQuickConnectConfigCommand,
  UpdateQuickConnectNameCommand,
} from "@aws-sdk/client-connect";
import type { RetryErrorInfo, StandardRetryToken } from "@smithy/types";
import { ConfiguredRetryStrategy } from "@smithy/util-retry";
import { CallLog } from "../emulator/call_log.ts";
import { EmulatorState } from "../emulator/state.ts";
import {
  awsFailure,
  type EmulatorOptions,
  startEmulator,
  testClient,
} from "../emulator/testing.ts";

const BASIC = "tests/fixtures/emulator/basic.json";
const ALPHA = "aaaaaaaa-0000-4000-8000-000000000001";
const ALPHA_ARN = `arn:aws:connect:us-east-1:111122223333:instance/${ALPHA}`;
/** Long enough that the calls made during it fit in it on a loaded machine. */
const LAG = 500;
/** Past the lag, with room to spare. */
const AFTER_LAG = LAG + 100;
const AUTH =
  "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=00";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const phone = (PhoneNumber: string) => ({
  QuickConnectType: "PHONE_NUMBER" as const,
  PhoneConfig: { PhoneNumber },
});

async function withEmu(
  options: Omit<EmulatorOptions, "seed">,
  fn: (c: ConnectClient, emu: Awaited<ReturnType<typeof startEmulator>>) => Promise<void>,
): Promise<void> {
  await using emu = await startEmulator({ seed: BASIC, quotas: false, ...options });
  const c = testClient(emu, { maxAttempts: 1 });
  try {
    await fn(c, emu);
  } finally {
    c.destroy();
  }
}

const searchNames = async (c: ConnectClient, name?: string): Promise<string[]> => {
  const r = await c.send(
    new SearchQuickConnectsCommand({
      InstanceId: ALPHA,
      ...(name === undefined ? {} : {
        SearchCriteria: {
          StringCondition: { FieldName: "name", Value: name, ComparisonType: "EXACT" },
        },
      }),
    }),
  );
  return (r.QuickConnects ?? []).map((q) => q.Name ?? "");
};

const listIds = async (c: ConnectClient): Promise<string[]> =>
  ((await c.send(new ListQuickConnectsCommand({ InstanceId: ALPHA }))).QuickConnectSummaryList ??
    []).map((s) => s.Id ?? "");

const queueLinks = async (c: ConnectClient, QueueId: string) =>
  (await c.send(new ListQueueQuickConnectsCommand({ InstanceId: ALPHA, QueueId })))
    .QuickConnectSummaryList ?? [];

Deno.test("consistencyLagMs: a new quick connect is unlisted and unknown by ID until the lag passes; its name is taken at once", () =>
  withEmu({ consistencyLagMs: LAG }, async (c) => {
    const created = await c.send(
      new CreateQuickConnectCommand({
        InstanceId: ALPHA,
        Name: "Lagging",
        QuickConnectConfig: phone("+15550001111"),
        Tags: { Team: "Ops" },
      }),
    );
    const id = created.QuickConnectId ?? "";
    const arn = created.QuickConnectARN ?? "";
    assert.deepEqual(await searchNames(c, "Lagging"), []);
    assert.ok(!(await listIds(c)).includes(id));
    const byId: Record<string, () => Promise<unknown>> = {
      Describe: () =>
        c.send(new DescribeQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: id })),
      UpdateName: () =>
        c.send(
          new UpdateQuickConnectNameCommand({
            InstanceId: ALPHA,
            QuickConnectId: id,
            Name: "Renamed",
          }),
        ),
      UpdateConfig: () =>
        c.send(
          new UpdateQuickConnectConfigCommand({
            InstanceId: ALPHA,
            QuickConnectId: id,
            QuickConnectConfig: phone("+15550002222"),
          }),
        ),
      Tag: () => c.send(new TagResourceCommand({ resourceArn: arn, tags: { A: "1" } })),
      Untag: () => c.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["Team"] })),
      ListTags: () => c.send(new ListTagsForResourceCommand({ resourceArn: arn })),
      Associate: () =>
        c.send(
          new AssociateQueueQuickConnectsCommand({
            InstanceId: ALPHA,
            QueueId: "queue-sales",
            QuickConnectIds: [id],
          }),
        ),
      Delete: () =>
        c.send(new DeleteQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: id })),
    };
    for (const [what, call] of Object.entries(byId)) {
      const f = await awsFailure(call());
      assert.deepEqual([f.name, f.status], ["ResourceNotFoundException", 404], what);
    }
    const dup = await awsFailure(
      c.send(
        new CreateQuickConnectCommand({
          InstanceId: ALPHA,
          Name: "Lagging",
          QuickConnectConfig: phone("+15550003333"),
        }),
      ),
    );
    assert.deepEqual([dup.name, dup.status], ["DuplicateResourceException", 409]);

    await sleep(AFTER_LAG);
    assert.deepEqual(await searchNames(c, "Lagging"), ["Lagging"]);
    assert.ok((await listIds(c)).includes(id));
    const d = await c.send(
      new DescribeQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: id }),
    );
    assert.deepEqual(d.QuickConnect?.Tags, { Team: "Ops" });
  }));

Deno.test("consistencyLagMs: after a rename or a new config, Search, List and ListQueueQuickConnects show the previous version until the lag passes", () =>
  withEmu({ consistencyLagMs: LAG }, async (c, emu) => {
    await c.send(
      new UpdateQuickConnectNameCommand({
        InstanceId: ALPHA,
        QuickConnectId: "qc-user-jdoe",
        Name: "John Doe",
      }),
    );
    await c.send(
      new UpdateQuickConnectConfigCommand({
        InstanceId: ALPHA,
        QuickConnectId: "qc-phone-helpdesk",
        QuickConnectConfig: phone("+18005550199"),
      }),
    );
    assert.deepEqual(await searchNames(c, "Transfer to John"), ["Transfer to John"]);
    assert.deepEqual(await searchNames(c, "John Doe"), [], "Search matches the stale name");
    const listed = await c.send(new ListQuickConnectsCommand({ InstanceId: ALPHA }));
    assert.equal(
      listed.QuickConnectSummaryList?.find((s) => s.Id === "qc-user-jdoe")?.Name,
      "Transfer to John",
    );
    const linked = await queueLinks(c, "queue-support");
    assert.equal(linked.find((s) => s.Id === "qc-user-jdoe")?.Name, "Transfer to John");
    const all = await c.send(new SearchQuickConnectsCommand({ InstanceId: ALPHA }));
    const helpdesk = all.QuickConnects?.find((q) => q.QuickConnectId === "qc-phone-helpdesk");
    assert.equal(helpdesk?.QuickConnectConfig?.PhoneConfig?.PhoneNumber, "+18005550100");
    assert.deepEqual(helpdesk?.Tags, { Team: "Sales" }, "a stale version keeps its tags");
    // Calls by ID and the state dump see the current version at once.
    const d = await c.send(
      new DescribeQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: "qc-user-jdoe" }),
    );
    assert.equal(d.QuickConnect?.Name, "John Doe");
    assert.ok(emu.state().Instances[0]?.QuickConnects.some((q) => q.Name === "John Doe"));
    // The new name is taken at once; the old one is free at once.
    const dup = await awsFailure(
      c.send(
        new CreateQuickConnectCommand({
          InstanceId: ALPHA,
          Name: "John Doe",
          QuickConnectConfig: phone("+15550004444"),
        }),
      ),
    );
    assert.equal(dup.name, "DuplicateResourceException");
    const reused = await c.send(
      new CreateQuickConnectCommand({
        InstanceId: ALPHA,
        Name: "Transfer to John",
        QuickConnectConfig: phone("+15550004444"),
      }),
    );

    await sleep(AFTER_LAG);
    assert.deepEqual(await searchNames(c, "John Doe"), ["John Doe"]);
    const oldName = await c.send(
      new SearchQuickConnectsCommand({
        InstanceId: ALPHA,
        SearchCriteria: {
          StringCondition: {
            FieldName: "name",
            Value: "Transfer to John",
            ComparisonType: "EXACT",
          },
        },
      }),
    );
    assert.deepEqual(oldName.QuickConnects?.map((q) => q.QuickConnectId), [reused.QuickConnectId]);
    assert.equal(
      (await queueLinks(c, "queue-support")).find((s) => s.Id === "qc-user-jdoe")?.Name,
      "John Doe",
    );
    const again = await c.send(new SearchQuickConnectsCommand({ InstanceId: ALPHA }));
    assert.equal(
      again.QuickConnects?.find((q) => q.QuickConnectId === "qc-phone-helpdesk")
        ?.QuickConnectConfig?.PhoneConfig?.PhoneNumber,
      "+18005550199",
    );
  }));

Deno.test("consistencyLagMs: a new queue link is listed only after the lag; re-associating does not restart it; disassociating shows at once", () =>
  withEmu({ consistencyLagMs: LAG }, async (c) => {
    const associate = () =>
      c.send(
        new AssociateQueueQuickConnectsCommand({
          InstanceId: ALPHA,
          QueueId: "queue-sales",
          QuickConnectIds: ["qc-phone-helpdesk"],
        }),
      );
    await associate();
    assert.deepEqual(await queueLinks(c, "queue-sales"), []);
    await sleep(LAG / 2);
    await associate();
    await sleep(LAG / 2 + 100);
    assert.deepEqual((await queueLinks(c, "queue-sales")).map((s) => s.Id), ["qc-phone-helpdesk"]);
    await c.send(
      new DisassociateQueueQuickConnectsCommand({
        InstanceId: ALPHA,
        QueueId: "queue-sales",
        QuickConnectIds: ["qc-phone-helpdesk"],
      }),
    );
    assert.deepEqual(await queueLinks(c, "queue-sales"), []);
    // Seeded links are settled from the start.
    assert.deepEqual(
      (await queueLinks(c, "queue-support")).map((s) => s.Id).sort(),
      ["qc-queue-support", "qc-user-jdoe"],
    );
  }));

Deno.test("consistencyLagMs 0 (default): every write shows at once", () =>
  withEmu({}, async (c) => {
    const created = await c.send(
      new CreateQuickConnectCommand({
        InstanceId: ALPHA,
        Name: "At once",
        QuickConnectConfig: phone("+15550001111"),
      }),
    );
    const id = created.QuickConnectId ?? "";
    assert.deepEqual(await searchNames(c, "At once"), ["At once"]);
    await c.send(
      new AssociateQueueQuickConnectsCommand({
        InstanceId: ALPHA,
        QueueId: "queue-sales",
        QuickConnectIds: [id],
      }),
    );
    assert.deepEqual((await queueLinks(c, "queue-sales")).map((s) => s.Id), [id]);
    await c.send(new DeleteQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: id }));
  }));

Deno.test("EmulatorState versions (injected clock): each of two quick renames is listed LAG after it was made", () => {
  let now = 1000;
  const state = EmulatorState.fromFixture(
    JSON.parse(Deno.readTextFileSync(BASIC)),
    { lagMs: 100, clock: () => now },
  );
  const inst = state.instances.get(ALPHA) ?? assert.fail("no alpha");
  const qc = state.findQuickConnect(inst, "qc-user-jdoe") ?? assert.fail("no qc");
  const listedName = () => state.listed(qc)?.name;
  state.update(qc, (q) => void (q.name = "First"));
  now += 50;
  state.update(qc, (q) => void (q.name = "Second"));
  assert.equal(listedName(), "Transfer to John");
  now += 50; // the first rename settles
  assert.equal(listedName(), "First");
  now += 49;
  assert.equal(listedName(), "First");
  now += 1; // the second rename settles
  assert.equal(listedName(), "Second");
  state.update(qc, (q) => void (q.name = "Third"));
  assert.equal(qc.earlier.length, 1, "versions no read can show again are dropped");
  assert.equal(listedName(), "Second");
});

Deno.test("searchOmitsTags: no Tags member in the raw SearchQuickConnects JSON; Describe keeps them", async () => {
  const rawSearch = async (options: Omit<EmulatorOptions, "seed">) => {
    await using emu = await startEmulator({ seed: BASIC, quotas: false, ...options });
    const r = await fetch(`${emu.url}/search-quick-connects`, {
      method: "POST",
      headers: { authorization: AUTH, "content-type": "application/json" },
      body: JSON.stringify({ InstanceId: ALPHA }),
    });
    assert.equal(r.status, 200);
    const body: { QuickConnects: Record<string, unknown>[] } = await r.json();
    const c = testClient(emu);
    const d = await c.send(
      new DescribeQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: "qc-user-jdoe" }),
    );
    c.destroy();
    return { results: body.QuickConnects, describedTags: d.QuickConnect?.Tags };
  };
  const omitted = await rawSearch({ searchOmitsTags: true });
  assert.equal(omitted.results.length, 4);
  for (const qc of omitted.results) assert.ok(!Object.hasOwn(qc, "Tags"), JSON.stringify(qc));
  assert.deepEqual(omitted.describedTags, { Team: "Support" });
  const kept = await rawSearch({});
  assert.equal(kept.results.filter((qc) => Object.hasOwn(qc, "Tags")).length, 3);
});

Deno.test("searchOmitsTags: a tag filter still selects by tags", () =>
  withEmu({ searchOmitsTags: true }, async (c) => {
    const r = await c.send(
      new SearchQuickConnectsCommand({
        InstanceId: ALPHA,
        SearchFilter: { TagFilter: { TagCondition: { TagKey: "Tier", TagValue: "1" } } },
      }),
    );
    assert.deepEqual(r.QuickConnects?.map((q) => [q.QuickConnectId, q.Tags]), [
      ["qc-queue-support", undefined],
    ]);
  }));

Deno.test("quotaOverrides: only the overridden operation gets the new bucket, unscaled by quotaScale", async () => {
  await using emu = await startEmulator({
    seed: BASIC,
    quotaScale: 10,
    quotaOverrides: { CreateQuickConnect: { rate: 1, burst: 2 } },
  });
  const c = testClient(emu, { maxAttempts: 1 });
  const outcomes: string[] = [];
  for (let i = 0; i < 3; i++) {
    outcomes.push(
      await c.send(
        new CreateQuickConnectCommand({
          InstanceId: ALPHA,
          Name: `q${i}`,
          QuickConnectConfig: phone("+15550001111"),
        }),
      ).then(() => "ok", (e: Error) => e.name),
    );
  }
  assert.deepEqual(outcomes, ["ok", "ok", "ThrottlingException"]);
  // A default operation at scale 10: burst 50.
  for (let i = 0; i < 20; i++) await c.send(new DescribeInstanceCommand({ InstanceId: ALPHA }));
  assert.deepEqual(emu.throttled(), { CreateQuickConnect: 1 });
  c.destroy();
});

Deno.test("quotaOverrides apply with quotas off; burst defaults to max(1, rate); bad ones are rejected", async () => {
  {
    await using emu = await startEmulator({
      seed: BASIC,
      quotas: false,
      quotaOverrides: { ListUsers: { rate: 0.5 } },
    });
    const c = testClient(emu, { maxAttempts: 1 });
    await c.send(new ListUsersCommand({ InstanceId: ALPHA }));
    const f = await awsFailure(c.send(new ListUsersCommand({ InstanceId: ALPHA })));
    assert.deepEqual([f.name, f.status], ["ThrottlingException", 429]);
    for (let i = 0; i < 30; i++) await c.send(new DescribeInstanceCommand({ InstanceId: ALPHA }));
    assert.deepEqual(emu.throttled(), { ListUsers: 1 });
    c.destroy();
  }
  for (
    const [overrides, message] of [
      [{ Foo: { rate: 1 } }, /unknown operation "Foo"/],
      [{ ListUsers: { rate: 0 } }, /rate must be a number > 0/],
      [{ ListUsers: { rate: 1, burst: 0.5 } }, /burst must be a number >= 1/],
    ] as const
  ) {
    await assert.rejects(
      startEmulator({ seed: BASIC, quotaOverrides: overrides }),
      (e: unknown) => e instanceof RangeError && message.test(e.message),
    );
  }
});

/** Records how the retry strategy classified each error it retried. */
class RecordingRetryStrategy extends ConfiguredRetryStrategy {
  readonly errorTypes: string[] = [];
  override refreshRetryTokenForRetry(
    token: StandardRetryToken,
    errorInfo: RetryErrorInfo,
  ): Promise<StandardRetryToken> {
    this.errorTypes.push(errorInfo.errorType);
    return super.refreshRetryTokenForRetry(token, errorInfo);
  }
}

Deno.test("TooManyRequestsException fault: 429 with that name, retried by the SDK as throttling", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  emu.addFault({ Operation: "ListUsers", Error: "TooManyRequestsException", Count: 3 });
  const one = testClient(emu, { maxAttempts: 1 });
  const f = await awsFailure(one.send(new ListUsersCommand({ InstanceId: ALPHA })));
  assert.deepEqual([f.name, f.status, f.message], [
    "TooManyRequestsException",
    429,
    "Too many requests",
  ]);
  one.destroy();
  const retry = new RecordingRetryStrategy(3, () => 0);
  const c = new ConnectClient({
    endpoint: emu.url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
    retryStrategy: retry,
  });
  const r = await c.send(new ListUsersCommand({ InstanceId: ALPHA }));
  assert.equal(r.$metadata.attempts, 3);
  assert.deepEqual(retry.errorTypes, ["THROTTLING", "THROTTLING"]);
  assert.deepEqual(emu.faulted(), { ListUsers: 3 });
  assert.deepEqual(emu.throttled(), {}, "a fault is not a quota throttle");
  c.destroy();
  // Over HTTP, with the wire shape of any restJson1 error.
  const added = await fetch(`${emu.url}/__emulator/faults`, {
    method: "POST",
    body: JSON.stringify({ Operation: "ListUsers", Error: "TooManyRequestsException" }),
  });
  assert.equal(added.status, 200);
  await added.body?.cancel();
  const raw = await fetch(`${emu.url}/users-summary/${ALPHA}`, {
    headers: { authorization: AUTH },
  });
  assert.equal(raw.status, 429);
  assert.equal(raw.headers.get("x-amzn-errortype"), "TooManyRequestsException");
  assert.deepEqual(await raw.json(), {
    Message: "Too many requests",
    message: "Too many requests",
  });
});

Deno.test("call log: calls in order of arrival with status and resource, over HTTP too; reset empties it", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  const c = testClient(emu, { maxAttempts: 2 });
  await c.send(new ListUsersCommand({ InstanceId: ALPHA }));
  const created = await c.send(
    new CreateQuickConnectCommand({
      InstanceId: ALPHA,
      Name: "Logged",
      QuickConnectConfig: phone("+15550001111"),
    }),
  );
  await awsFailure(
    c.send(new DescribeQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: "nope" })),
  );
  emu.addFault({ Operation: "SearchQuickConnects", Error: "ConnectionReset" });
  await c.send(new SearchQuickConnectsCommand({ InstanceId: ALPHA }));
  await c.send(new TagResourceCommand({ resourceArn: `${ALPHA_ARN}`, tags: { A: "1" } }));
  const unknown = await fetch(`${emu.url}/no-such-route`, { headers: { authorization: AUTH } });
  await unknown.body?.cancel();

  const log = emu.callLog();
  assert.deepEqual(
    log.map(({ seq, operation, status, resource }) => ({ seq, operation, status, resource })),
    [
      { seq: 1, operation: "ListUsers", status: 200, resource: ALPHA },
      { seq: 2, operation: "CreateQuickConnect", status: 200, resource: created.QuickConnectId },
      { seq: 3, operation: "DescribeQuickConnect", status: 404, resource: "nope" },
      { seq: 4, operation: "SearchQuickConnects", status: 0, resource: ALPHA },
      { seq: 5, operation: "SearchQuickConnects", status: 200, resource: ALPHA },
      { seq: 6, operation: "TagResource", status: 200, resource: ALPHA_ARN },
      { seq: 7, operation: "UnknownOperation", status: 404, resource: undefined },
    ],
  );
  for (const [i, e] of log.entries()) {
    assert.ok(e.at >= (log[i - 1]?.at ?? 0), "at grows with seq");
    if (e.resource === undefined) assert.ok(!Object.hasOwn(e, "resource"));
  }
  const overHttp = await (await fetch(`${emu.url}/__emulator/log`)).json();
  assert.deepEqual(overHttp, log);

  const reset = await fetch(`${emu.url}/__emulator/calls/reset`, { method: "POST" });
  await reset.body?.cancel();
  assert.deepEqual(emu.callLog(), []);
  await c.send(new ListUsersCommand({ InstanceId: ALPHA }));
  assert.deepEqual(emu.callLog().map((e) => [e.seq, e.operation]), [[1, "ListUsers"]]);
  emu.resetCalls();
  assert.deepEqual(emu.callLog(), []);
  c.destroy();
});

Deno.test("call log: a call still being answered is not listed yet, but keeps its place", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false, latencyMs: 200 });
  const c = testClient(emu);
  const slow = c.send(new ListUsersCommand({ InstanceId: ALPHA }));
  await sleep(100);
  assert.deepEqual(emu.callLog(), []);
  await slow;
  assert.deepEqual(emu.callLog().map((e) => [e.seq, e.status]), [[1, 200]]);
  c.destroy();
});

Deno.test("CallLog keeps the newest entries up to its capacity, seq still counting", () => {
  const log = new CallLog(3);
  for (let i = 1; i <= 5; i++) log.arrive(`Op${i}`).status = 200;
  assert.deepEqual(log.entries().map((e) => [e.seq, e.operation]), [
    [3, "Op3"],
    [4, "Op4"],
    [5, "Op5"],
  ]);
  log.clear();
  log.arrive("Again").status = 200;
  assert.deepEqual(log.entries().map((e) => e.seq), [1]);
});
