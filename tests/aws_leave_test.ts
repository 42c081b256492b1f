/**
 * lib/aws/calls.ts onLeave: a call is known to have left the process only once an attempt got past
 * the rate limiter; one stopped while it waits for a token never reached the service.
 */
import assert from "node:assert/strict";
import { ListQuickConnectsCommand } from "@aws-sdk/client-connect";
import { isInterrupted, RateLimiter } from "../lib/aws/limiter.ts";
import { onLeave } from "../lib/aws/calls.ts";
import { SAMPLE_SEED_PATH, startEmulator } from "../emulator/testing.ts";
import { testContext } from "./support/context.ts";

Deno.test("onLeave: called once per attempt that passed the limiter, never for one stopped while waiting", async () => {
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotas: false });
  const id = emu.state().Instances[0]!.Id ?? "";
  // A bucket that refills once in ~100 s: the second call has to wait.
  const limiter = new RateLimiter({ scale: 0.001 });
  const { ctx } = await testContext(emu, id, { limiter });
  let left = 0;
  const first = new ListQuickConnectsCommand({ InstanceId: id });
  onLeave(first, () => left++);
  await ctx.client.send(first);
  assert.equal(left, 1);
  // The bucket is empty now: the next call waits for a token, and closing stops it unsent.
  let leftWaiting = 0;
  const second = new ListQuickConnectsCommand({ InstanceId: id });
  onLeave(second, () => leftWaiting++);
  const waiting = ctx.client.send(second);
  await new Promise((r) => setTimeout(r, 50));
  limiter.close();
  await assert.rejects(waiting, (err) => isInterrupted(err));
  assert.equal(leftWaiting, 0);
});
