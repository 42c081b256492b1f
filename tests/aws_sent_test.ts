/**
 * The `wasSent` contract (lib/errors.ts) against the emulator, through the real client:
 * every error `client.send` rejects with says whether an attempt reached the HTTP layer,
 * and abandoning the limiter rejects the calls in flight at once.
 */
import assert from "node:assert/strict";
import { ListUsersCommand } from "@aws-sdk/client-connect";
import { createConnectClient } from "../lib/aws/client.ts";
import { isInterrupted, RateLimiter } from "../lib/aws/limiter.ts";
import { MigrationRetryStrategy } from "../lib/aws/retry.ts";
import { wasSent } from "../lib/errors.ts";
import { type Emulator, type FixtureInput, startEmulator } from "../emulator/testing.ts";

const TARGET = "00000000-0000-4000-8000-0000000000ef";
const SEED: FixtureInput = {
  Instances: [{ Id: TARGET, Alias: "target", Region: "us-east-1", AccountId: "123456789012" }],
};

function client(emu: Pick<Emulator, "url">, limiter: RateLimiter, delay = 0) {
  return createConnectClient({
    region: "us-east-1",
    endpoint: emu.url,
    credentials: () => Promise.resolve({ accessKeyId: "AKIDTEST", secretAccessKey: "secret" }),
    retryStrategy: new MigrationRetryStrategy({ delay: () => delay }),
    limiter,
  });
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

const listUsers = (instanceId = TARGET) => new ListUsersCommand({ InstanceId: instanceId });

Deno.test("wasSent: false for a call stopped by the closed limiter, true once an attempt was sent", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const limiter = new RateLimiter({ disabled: true });
  const c = client(emu, limiter);
  // Answered with an error: sent.
  const notFound = await failure(c.send(listUsers("00000000-0000-4000-8000-000000000000")));
  assert.equal((notFound as Error).name, "ResourceNotFoundException");
  assert.equal(wasSent(notFound), true);
  // Throttled on the first attempt, then the limiter closes during the backoff: the retry
  // is refused by the limiter, but the first attempt was sent.
  emu.addFault({ Operation: "ListUsers", Error: "ThrottlingException", Count: -1 });
  const slow = client(emu, limiter, 300);
  const retried = failure(slow.send(listUsers()));
  await new Promise((r) => setTimeout(r, 100));
  limiter.close();
  const afterSent = await retried;
  assert.ok(isInterrupted(afterSent), String(afterSent));
  assert.equal(wasSent(afterSent), true);
  emu.clearFaults();
  // Closed before the call: never sent, and the emulator saw nothing.
  emu.resetCalls();
  const closed = await failure(c.send(listUsers()));
  assert.ok(isInterrupted(closed));
  assert.equal(wasSent(closed), false);
  assert.equal(emu.calls().ListUsers ?? 0, 0);
  c.destroy();
  slow.destroy();
});

Deno.test("wasSent: false when the credentials fail before any attempt", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const c = createConnectClient({
    region: "us-east-1",
    endpoint: emu.url,
    credentials: () => Promise.reject(new Error("no credentials here")),
    retryStrategy: new MigrationRetryStrategy({ delay: () => 0 }),
    limiter: new RateLimiter({ disabled: true }),
  });
  const err = await failure(c.send(listUsers()));
  assert.match(String(err), /no credentials here/);
  assert.equal(wasSent(err), false);
  assert.equal(emu.calls().ListUsers ?? 0, 0);
  c.destroy();
});

Deno.test("abandon(): a call the emulator holds rejects at once, sent; later calls are not sent", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false, latencyMs: 5_000 });
  const limiter = new RateLimiter({ disabled: true });
  const c = client(emu, limiter);
  const held = failure(c.send(listUsers()));
  // Wait until the emulator has the request.
  while ((emu.calls().ListUsers ?? 0) === 0) await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  limiter.abandon();
  const err = await held;
  assert.ok(performance.now() - t0 < 500, "rejected at once");
  assert.ok(isInterrupted(err), String(err));
  assert.equal(wasSent(err), true);
  const after = await failure(c.send(listUsers()));
  assert.ok(isInterrupted(after));
  assert.equal(wasSent(after), false);
  assert.equal(emu.calls().ListUsers, 1);
  c.destroy();
});

Deno.test("wasSent: an error that did not come from client.send counts as sent", () => {
  assert.equal(wasSent(new Error("other")), true);
  assert.equal(wasSent(undefined), true);
});
