/**
 * The `answerOf` contract (lib/errors.ts) against the emulator, through the real client:
 * every error `client.send` rejects with says whether an attempt reached the HTTP layer
 * ("unsent" if none did), whether one may have been applied ("unknown": no answer, a 5xx,
 * abandoned in flight) or every attempt was answered with an error ("refused"); and
 * abandoning the limiter rejects the calls in flight at once.
 */
import assert from "node:assert/strict";
import { ListUsersCommand } from "@aws-sdk/client-connect";
import { createConnectClient } from "../lib/aws/client.ts";
import { isInterrupted, RateLimiter } from "../lib/aws/limiter.ts";
import { MigrationRetryStrategy } from "../lib/aws/retry.ts";
import { answerOf, sentTimesOf } from "../lib/errors.ts";
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

Deno.test("answerOf: unsent for a call stopped by the closed limiter, refused once an attempt was answered", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const limiter = new RateLimiter({ disabled: true });
  const c = client(emu, limiter);
  // Answered with an error: sent.
  const notFound = await failure(c.send(listUsers("00000000-0000-4000-8000-000000000000")));
  assert.equal((notFound as Error).name, "ResourceNotFoundException");
  assert.equal(answerOf(notFound), "refused");
  assert.ok(sentTimesOf(notFound).first <= sentTimesOf(notFound).last);
  // Throttled on the first attempt, then the limiter closes during the backoff: the retry
  // is refused by the limiter, but the first attempt was sent.
  emu.addFault({ Operation: "ListUsers", Error: "ThrottlingException", Count: -1 });
  const slow = client(emu, limiter, 300);
  const retried = failure(slow.send(listUsers()));
  await new Promise((r) => setTimeout(r, 100));
  limiter.close();
  const afterSent = await retried;
  assert.ok(isInterrupted(afterSent), String(afterSent));
  assert.equal(answerOf(afterSent), "refused", "a 429 applies nothing");
  emu.clearFaults();
  // Closed before the call: never sent, and the emulator saw nothing.
  emu.resetCalls();
  const closed = await failure(c.send(listUsers()));
  assert.ok(isInterrupted(closed));
  assert.equal(answerOf(closed), "unsent");
  assert.equal(emu.calls().ListUsers ?? 0, 0);
  c.destroy();
  slow.destroy();
});

Deno.test("answerOf: unsent when the credentials fail before any attempt", async () => {
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
  assert.equal(answerOf(err), "unsent");
  assert.equal(emu.calls().ListUsers ?? 0, 0);
  c.destroy();
});

Deno.test("abandon(): a call the emulator holds rejects at once, unknown (it may land); later calls are unsent", async () => {
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
  assert.equal(answerOf(err), "unknown");
  const after = await failure(c.send(listUsers()));
  assert.ok(isInterrupted(after));
  assert.equal(answerOf(after), "unsent");
  assert.equal(emu.calls().ListUsers, 1);
  c.destroy();
});

Deno.test("answerOf: an error that did not come from client.send may have landed", () => {
  assert.equal(answerOf(new Error("other")), "unknown");
  assert.equal(answerOf(undefined), "unknown");
});

Deno.test("answerOf: a 5xx, then an answer, may have landed; a lost response too", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const c = client(emu, new RateLimiter({ disabled: true }));
  emu.addFault({ Operation: "ListUsers", Error: "InternalServiceException", Count: 1 });
  emu.addFault({ Operation: "ListUsers", Error: "AccessDeniedException", Count: 1 });
  const err = await failure(c.send(listUsers()));
  assert.equal((err as Error).name, "AccessDeniedException");
  assert.equal(answerOf(err), "unknown", "the 5xx attempt may have been applied");
  c.destroy();
});
