/**
 * What both entrypoints build from their flags before calling lib: region, client,
 * logger and the shared rate limiter. Tests build the same thing with an injected client.
 */
import type { ConnectClient } from "@aws-sdk/client-connect";
import type { RetryStrategyV2 } from "@smithy/types";
import {
  createConnectClient,
  type Env,
  instanceIdOf,
  profileExists,
  resolveRegion,
} from "./aws.ts";
import type { ParsedFlags } from "./cli.ts";
import { str } from "./cli.ts";
import { UsageError } from "./errors.ts";
import { RateLimiter } from "./limiter.ts";
import { createLogger, type Logger } from "./log.ts";

export interface RunContext {
  client: ConnectClient;
  logger: Logger;
  limiter: RateLimiter;
  /** As given (ID or ARN): the API accepts both. */
  instanceId: string;
  /** The bare ID, for file names and messages. */
  instanceKey: string;
  region: string;
  endpoint?: string;
}

export interface ContextOptions {
  env: Env;
  defaultLogFile: string;
  /** Test hooks: a client or retry strategy of the caller's, a silent console. */
  client?: ConnectClient;
  retryStrategy?: RetryStrategyV2;
  console?: ((line: string) => void) | null;
  limiter?: RateLimiter;
  captureRawResponses?: boolean;
}

export async function buildContext(flags: ParsedFlags, opts: ContextOptions): Promise<RunContext> {
  const instanceId = str(flags, "instance-id") ?? "";
  const endpoint = str(flags, "endpoint-url");
  if (endpoint !== undefined && !URL.canParse(endpoint)) {
    throw new UsageError(
      `Invalid value for --endpoint-url: "${endpoint}" (expected a URL such as https://connect.eu-west-2.amazonaws.com)`,
    );
  }
  const profile = str(flags, "profile");
  if (profile !== undefined && !opts.client && !(await profileExists(profile))) {
    throw new UsageError(
      `Profile "${profile}" was not found in ~/.aws/config or ~/.aws/credentials (or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE): check the name, or run \`aws configure --profile ${profile}\` / \`aws configure sso\``,
    );
  }
  const { region, source } = await resolveRegion(
    { region: str(flags, "region"), profile },
    opts.env,
  );
  if (!/^[a-z]{2}(-[a-z]+){1,2}-\d$/.test(region)) {
    throw new UsageError(`Invalid AWS Region "${region}" (from ${source}), e.g. us-east-1`);
  }
  const limiter = opts.limiter ??
    new RateLimiter({ scale: Number(opts.env.CONNECT_QUOTA_SCALE ?? "1") || 1 });
  const logger = createLogger({
    file: str(flags, "log-file") ?? opts.defaultLogFile,
    console: opts.console,
    verbose: flags.verbose === true,
  });
  const client = opts.client ?? createConnectClient({
    region,
    profile,
    endpoint,
    limiter,
    retryStrategy: opts.retryStrategy,
    captureRawResponses: opts.captureRawResponses,
  });
  return {
    client,
    logger,
    limiter,
    instanceId,
    instanceKey: instanceIdOf(instanceId),
    region,
    endpoint,
  };
}
