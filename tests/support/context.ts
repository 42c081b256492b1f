/**
 * A RunContext for in-process tests: the real client factory (rate limiter middleware,
 * our retry policy without delays, raw-response capture) pointed at an emulator, a temp
 * directory for files, and the logger's console lines collected.
 */
import assert from "node:assert/strict";
import { createConnectClient, instanceIdOf } from "../../lib/aws/client.ts";
import { RateLimiter } from "../../lib/aws/limiter.ts";
import { MigrationRetryStrategy } from "../../lib/aws/retry.ts";
import type { RunContext } from "../../lib/context.ts";
import { createLogger } from "../../lib/log.ts";
import type { Emulator, Fixture } from "../../emulator/testing.ts";

export interface TestRun {
  ctx: RunContext;
  dir: string;
  /** Console lines of this context's logger. */
  lines: string[];
}

export interface TestContextOptions {
  /** Default: no limiting (the emulator usually runs without quotas in tests). */
  limiter?: RateLimiter;
  maxAttempts?: number;
  verbose?: boolean;
}

export async function testContext(
  emu: Pick<Emulator, "url">,
  instanceId: string,
  opts: TestContextOptions = {},
): Promise<TestRun> {
  const dir = await Deno.makeTempDir({ prefix: "qc_test_" });
  const lines: string[] = [];
  const limiter = opts.limiter ?? new RateLimiter({ disabled: true });
  const client = createConnectClient({
    region: "us-east-1",
    endpoint: emu.url,
    credentials: () => Promise.resolve({ accessKeyId: "AKIDTEST", secretAccessKey: "secret" }),
    retryStrategy: new MigrationRetryStrategy({ delay: () => 0, maxAttempts: opts.maxAttempts }),
    limiter,
    captureRawResponses: true,
  });
  const logger = createLogger({
    file: `${dir}/run.log`,
    console: (l) => lines.push(l),
    verbose: opts.verbose ?? false,
  });
  const bare = instanceIdOf(instanceId);
  const ctx: RunContext = {
    client,
    logger,
    limiter,
    instanceId: bare,
    instanceArn: bare !== instanceId ? instanceId : undefined,
    region: "us-east-1",
    endpoint: emu.url,
  };
  return { ctx, dir, lines };
}

/** The instance of a state dump with this alias (fails the test if absent). */
export function instance(state: Fixture, alias: string): Fixture["Instances"][number] {
  const inst = state.Instances.find((i) => i.Alias === alias);
  assert.ok(inst, `instance ${alias}`);
  return inst;
}
