/**
 * Helpers for tests: start an in-process emulator and get a real ConnectClient for it.
 *
 * ```ts
 * await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json", quotas: false });
 * const client = testClient(emu);
 * ```
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import { ConfiguredRetryStrategy } from "@smithy/util-retry";
import { fileURLToPath } from "node:url";
import type { Emulator } from "./server.ts";

export { type Counts, type Emulator, type EmulatorOptions, startEmulator } from "./server.ts";
export type { CallLogEntry } from "./call_log.ts";
export type { FaultInput } from "./faults.ts";
export type { Fixture, FixtureInput } from "./fixture.ts";

/** Absolute path of tests/fixtures/sample_seed.json (source-demo and target-demo). */
export const SAMPLE_SEED_PATH: string = fileURLToPath(
  new URL("../tests/fixtures/sample_seed.json", import.meta.url),
);

export interface TestClientOptions {
  /** Signing region, i.e. the regional endpoint addressed (default us-east-1). */
  region?: string;
  /** Total attempts per call, retries included (default 3). */
  maxAttempts?: number;
}

/**
 * A real ConnectClient pointed at the emulator, with static dummy credentials
 * and a retry strategy that retries without delay (fast tests).
 */
export function testClient(
  emu: Pick<Emulator, "url">,
  opts: TestClientOptions = {},
): ConnectClient {
  return new ConnectClient({
    endpoint: emu.url,
    region: opts.region ?? "us-east-1",
    credentials: { accessKeyId: "AKIDEMULATOR", secretAccessKey: "emulator-secret" },
    retryStrategy: new ConfiguredRetryStrategy(opts.maxAttempts ?? 3, () => 0),
  });
}

/** What an SDK call failed with: the error name, HTTP status and attempts made. */
export interface AwsFailure {
  name: string;
  message: string;
  status: number | undefined;
  attempts: number | undefined;
}

/**
 * Awaits a call that must fail and returns its error name, HTTP status and
 * attempt count; throws if the call succeeded.
 */
export async function awsFailure(call: Promise<unknown>): Promise<AwsFailure> {
  try {
    await call;
  } catch (e) {
    const err = e as {
      name?: string;
      message?: string;
      $metadata?: { httpStatusCode?: number; attempts?: number };
    };
    return {
      name: String(err.name),
      message: String(err.message),
      status: err.$metadata?.httpStatusCode,
      attempts: err.$metadata?.attempts,
    };
  }
  throw new Error("expected the AWS call to fail, but it succeeded");
}
