/** Per-operation token buckets, quotaScale, quotas off, and latency. */
import assert from "node:assert/strict";
import {
  ConnectClient,
  DescribeInstanceCommand,
  ListInstancesCommand,
  ListQuickConnectsCommand,
} from "@aws-sdk/client-connect";
import { ConfiguredRetryStrategy } from "@smithy/util-retry";
import { Throttler } from "../emulator/quotas.ts";
import { awsFailure, SAMPLE_SEED_PATH, startEmulator, testClient } from "../emulator/testing.ts";

const BASIC = "tests/fixtures/emulator/basic.json";
const ALPHA = "aaaaaaaa-0000-4000-8000-000000000001";

Deno.test("rate-2 operation: burst 5, then ThrottlingException 429 'Rate exceeded' without retries", async () => {
  await using emu = await startEmulator({ seed: BASIC });
  const c = testClient(emu, { maxAttempts: 1 });
  for (let i = 0; i < 5; i++) await c.send(new DescribeInstanceCommand({ InstanceId: ALPHA }));
  const f = await awsFailure(c.send(new DescribeInstanceCommand({ InstanceId: ALPHA })));
  assert.deepEqual([f.name, f.status, f.message, f.attempts], [
    "ThrottlingException",
    429,
    "Rate exceeded",
    1,
  ]);
  assert.equal(emu.calls().DescribeInstance, 6, "throttled calls are counted");
  assert.equal(emu.throttled().DescribeInstance, 1);
  c.destroy();
});

Deno.test("rate-10 operation: burst 10", async () => {
  // The bucket on a clock of our own: on the wall clock a loaded machine takes over 100 ms
  // for the ten calls, a token refills and the eleventh passes.
  let now = 0;
  const t = new Throttler({ enabled: true, clock: () => now });
  const take = (n: number) =>
    Array.from({ length: n }, () => t.allow("us-east-1", "ListQuickConnects"));
  assert.deepEqual(take(11), [...Array(10).fill(true), false]);
  now += 100;
  assert.deepEqual(take(2), [true, false]);
  // Through the server: a burst of ten is served at once (only refills could add to it).
  await using emu = await startEmulator({ seed: BASIC });
  const c = testClient(emu, { maxAttempts: 1 });
  await Promise.all(
    Array.from({ length: 10 }, () => c.send(new ListQuickConnectsCommand({ InstanceId: ALPHA }))),
  );
  assert.deepEqual(emu.throttled(), {});
  c.destroy();
});

Deno.test("the SDK's retries see 429 and recover once the bucket refills", async () => {
  await using emu = await startEmulator({ seed: BASIC });
  // A retry delay (unlike testClient's zero delay) lets the 2/s bucket refill.
  const c = new ConnectClient({
    endpoint: emu.url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
    retryStrategy: new ConfiguredRetryStrategy(6, () => 200),
  });
  for (let i = 0; i < 5; i++) await c.send(new ListInstancesCommand({}));
  const r = await c.send(new ListInstancesCommand({}));
  assert.ok((r.$metadata.attempts ?? 0) > 1, `attempts ${r.$metadata.attempts}`);
  assert.equal(r.InstanceSummaryList?.length, 1);
  assert.ok((emu.throttled().ListInstances ?? 0) >= 1);
  assert.equal(emu.calls().ListInstances, 5 + (r.$metadata.attempts ?? 0));
  c.destroy();
});

Deno.test("buckets are shared by the instances of a region, separate per region", async () => {
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH });
  const [source, target] = emu.state().Instances;
  const c = testClient(emu, { maxAttempts: 1 });
  for (let i = 0; i < 5; i++) await c.send(new DescribeInstanceCommand({ InstanceId: source?.Id }));
  const f = await awsFailure(c.send(new DescribeInstanceCommand({ InstanceId: target?.Id })));
  assert.equal(f.name, "ThrottlingException");
  // Another region has its own bucket (the instance is invisible there, hence 404, not 429).
  const eu = testClient(emu, { region: "eu-west-1", maxAttempts: 1 });
  const g = await awsFailure(eu.send(new DescribeInstanceCommand({ InstanceId: target?.Id })));
  assert.equal(g.name, "ResourceNotFoundException");
  c.destroy();
  eu.destroy();
});

Deno.test("quotaScale multiplies burst; quotas:false disables throttling", async () => {
  {
    await using emu = await startEmulator({ seed: BASIC, quotaScale: 2 });
    const c = testClient(emu, { maxAttempts: 1 });
    for (let i = 0; i < 10; i++) await c.send(new DescribeInstanceCommand({ InstanceId: ALPHA }));
    const f = await awsFailure(c.send(new DescribeInstanceCommand({ InstanceId: ALPHA })));
    assert.equal(f.name, "ThrottlingException");
    c.destroy();
  }
  {
    await using emu = await startEmulator({ seed: BASIC, quotas: false });
    const c = testClient(emu, { maxAttempts: 1 });
    await Promise.all(
      Array.from({ length: 40 }, () => c.send(new DescribeInstanceCommand({ InstanceId: ALPHA }))),
    );
    assert.equal(emu.calls().DescribeInstance, 40);
    assert.deepEqual(emu.throttled(), {});
    c.destroy();
  }
});

Deno.test("latencyMs delays every AWS call", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false, latencyMs: 150 });
  const c = testClient(emu);
  const t0 = performance.now();
  await c.send(new DescribeInstanceCommand({ InstanceId: ALPHA }));
  assert.ok(performance.now() - t0 >= 140, "call took at least the latency");
  c.destroy();
});
