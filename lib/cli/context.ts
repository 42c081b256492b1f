/**
 * Builds the RunContext from the flags both commands share: Region, profile, endpoint,
 * the rate limiter and the client. Anything wrong here is a UsageError (exit 2), found
 * before the first API call.
 */
import type { ConnectClient } from "@aws-sdk/client-connect";
import {
  createConnectClient,
  type Env,
  instanceIdOf,
  profileExists,
  resolveRegion,
} from "../aws/client.ts";
import { RateLimiter } from "../aws/limiter.ts";
import type { RunContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import type { Logger } from "../log.ts";

export interface AwsFlags {
  "instance-id": string;
  region?: string;
  profile?: string;
  "endpoint-url"?: string;
}

export interface ContextOptions {
  env: Env;
  logger: Logger;
  /** Keep raw Search/Describe bodies (only export needs them). */
  captureRawResponses?: boolean;
  /** A client of the caller's (tests). */
  client?: ConnectClient;
}

/** CONNECT_QUOTA_SCALE: a positive number, for accounts whose quotas were raised. */
export function quotaScale(env: Env): number {
  const raw = env.CONNECT_QUOTA_SCALE;
  if (raw === undefined || raw.trim() === "") return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(
      `Invalid CONNECT_QUOTA_SCALE "${raw}": expected a positive number such as 2 (your quotas are twice the defaults)`,
    );
  }
  return n;
}

/** Checks that need no AWS call; run before any file is written. */
export function checkAwsFlags(flags: AwsFlags, env: Env): void {
  const endpoint = flags["endpoint-url"];
  if (endpoint !== undefined && !URL.canParse(endpoint)) {
    throw new UsageError(
      `Invalid value for --endpoint-url: "${endpoint}" (expected a URL such as https://connect.eu-west-2.amazonaws.com)`,
    );
  }
  quotaScale(env);
}

export async function buildContext(flags: AwsFlags, opts: ContextOptions): Promise<RunContext> {
  checkAwsFlags(flags, opts.env);
  const given = flags["instance-id"];
  const profile = flags.profile;
  if (profile !== undefined && !opts.client && !(await profileExists(profile))) {
    throw new UsageError(
      `Profile "${profile}" was not found in ~/.aws/config or ~/.aws/credentials (or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE): check the name, or run \`aws configure --profile ${profile}\` / \`aws configure sso\``,
    );
  }
  const { region, source } = await resolveRegion({ region: flags.region, profile }, opts.env);
  if (!/^[a-z]{2}(-[a-z]+){1,2}-\d$/.test(region)) {
    throw new UsageError(`Invalid AWS Region "${region}" (from ${source}), e.g. us-east-1`);
  }
  const limiter = new RateLimiter({ scale: quotaScale(opts.env) });
  const endpoint = flags["endpoint-url"];
  const client = opts.client ?? createConnectClient({
    region,
    profile,
    endpoint,
    limiter,
    captureRawResponses: opts.captureRawResponses,
  });
  const instanceId = instanceIdOf(given);
  return {
    client,
    logger: opts.logger,
    limiter,
    instanceId,
    instanceArn: instanceId !== given ? given : undefined,
    region,
    endpoint,
  };
}
