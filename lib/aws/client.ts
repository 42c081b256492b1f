/**
 * The one place a ConnectClient is built: region and credentials resolved as the AWS CLI
 * does, the shared rate limiter wired in front of every attempt, and our retry policy.
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import type {
  AwsCredentialIdentityProvider,
  FinalizeHandler,
  FinalizeHandlerArguments,
  HandlerExecutionContext,
  MetadataBearer,
  RetryStrategyV2,
} from "@smithy/types";
import type { ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-connect";
import { RateLimiter } from "./limiter.ts";
import { installRawCapture } from "./raw_response.ts";
import { MigrationRetryStrategy } from "./retry.ts";
import { TOOL_NAME, VERSION } from "../version.ts";

export type Env = Record<string, string | undefined>;

export interface RegionChoice {
  region: string;
  source: string;
}

/**
 * --region › AWS_REGION › AWS_DEFAULT_REGION › the profile's `region` in ~/.aws/config ›
 * us-east-1 (the seed tool's default).
 */
export async function resolveRegion(
  opts: { region?: string; profile?: string },
  env: Env,
): Promise<RegionChoice> {
  if (opts.region) return { region: opts.region, source: "--region" };
  if (env.AWS_REGION) return { region: env.AWS_REGION, source: "AWS_REGION" };
  if (env.AWS_DEFAULT_REGION) {
    return { region: env.AWS_DEFAULT_REGION, source: "AWS_DEFAULT_REGION" };
  }
  const profile = opts.profile ?? env.AWS_PROFILE ?? "default";
  try {
    const files = await loadSharedConfigFiles();
    const region = files.configFile?.[profile]?.region;
    if (region) return { region, source: `profile ${profile}` };
  } catch {
    // No readable ~/.aws/config: fall through to the default.
  }
  return { region: "us-east-1", source: "default" };
}

/**
 * Whether a named profile is defined in the shared config or credentials file. The SDK
 * reports a missing profile only as "Could not load credentials from any providers".
 */
export async function profileExists(profile: string): Promise<boolean> {
  try {
    const files = await loadSharedConfigFiles();
    return profile in (files.configFile ?? {}) || profile in (files.credentialsFile ?? {});
  } catch {
    return false;
  }
}

export interface ClientOptions {
  region: string;
  profile?: string;
  endpoint?: string;
  limiter?: RateLimiter;
  retryStrategy?: RetryStrategyV2;
  credentials?: AwsCredentialIdentityProvider;
  /** Keep raw Search/Describe bodies (lib/raw_response.ts); only export needs them. */
  captureRawResponses?: boolean;
}

export function createConnectClient(opts: ClientOptions): ConnectClient {
  const client = new ConnectClient({
    region: opts.region,
    endpoint: opts.endpoint,
    // With --profile the chain skips env keys, exactly like the AWS CLI.
    credentials: opts.credentials ?? fromNodeProviderChain({ profile: opts.profile }),
    retryStrategy: opts.retryStrategy ?? new MigrationRetryStrategy(),
    customUserAgent: `${TOOL_NAME}/${VERSION}`,
  });
  if (opts.captureRawResponses) installRawCapture(client);
  const limiter = opts.limiter;
  if (limiter) {
    // After the retry middleware, so every attempt (retries included) takes a token.
    client.middlewareStack.addRelativeTo(
      (
        next: FinalizeHandler<ServiceInputTypes, ServiceOutputTypes & MetadataBearer>,
        context: HandlerExecutionContext,
      ) =>
      async (args: FinalizeHandlerArguments<ServiceInputTypes>) => {
        await limiter.acquire(context.commandName?.replace(/Command$/, "") ?? "unknown");
        return next(args);
      },
      { relation: "after", toMiddleware: "retryMiddleware", name: "connectRateLimiter" },
    );
  }
  return client;
}

/** `arn:aws:connect:REGION:ACCOUNT:instance/ID` → ID; a bare ID is returned as is. */
export function instanceIdOf(idOrArn: string): string {
  const m = /^arn:[^:]+:connect:[^:]*:[^:]*:instance\/([^/]+)$/.exec(idOrArn);
  return m?.[1] ?? idOrArn;
}
