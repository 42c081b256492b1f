/**
 * What a use case (export or import) is handed: the client, the logger, the shared rate
 * limiter and the instance it works on. Built by lib/cli/context.ts from flags, or by
 * tests with an emulator's client.
 */
import type { ConnectClient } from "@aws-sdk/client-connect";
import type { RateLimiter } from "./aws/limiter.ts";
import type { Logger } from "./log.ts";

export interface RunContext {
  client: ConnectClient;
  logger: Logger;
  limiter: RateLimiter;
  /** The bare instance ID: what API calls send, and what file names use. */
  instanceId: string;
  /** The instance ARN when the user gave one. */
  instanceArn?: string;
  region: string;
  endpoint?: string;
}
