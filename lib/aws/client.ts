/**
 * The one place a ConnectClient is built: region and credentials resolved as the AWS CLI does,
 * our HTTP handler (lib/aws/http.ts), middleware (lib/aws/calls.ts) and retry policy.
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import type { AwsCredentialIdentityProvider, RetryStrategyV2 } from "@smithy/types";
import { httpStatusOf, markCredentialStep } from "../errors.ts";
import { type CallOptions, installCallMiddleware } from "./calls.ts";
import { ConnectHttpHandler, DEFAULT_TIMEOUTS, type Timeouts } from "./http.ts";
import { MigrationRetryStrategy } from "./retry.ts";
import { TOOL_NAME, VERSION } from "../version.ts";

export type Env = Record<string, string | undefined>;
type Section = Record<string, string | undefined>;

/**
 * A profile's settings (the config file's over the credentials file's) and the config file's
 * sections (`services NAME` is `services.NAME`); none where no file can be read.
 */
export async function sharedConfig(name: string) {
  const files = await loadSharedConfigFiles().catch(() => ({
    configFile: {},
    credentialsFile: {},
  }));
  const sections: Record<string, Section | undefined> = files.configFile;
  const credentials: Record<string, Section | undefined> = files.credentialsFile;
  return { sections, credentials, profile: { ...credentials[name], ...sections[name] } };
}

/**
 * --region › AWS_REGION › AWS_DEFAULT_REGION › the profile's `region` in ~/.aws/config ›
 * us-east-1 (the seed tool's default).
 */
export async function resolveRegion(
  opts: { region?: string; profile?: string },
  env: Env,
): Promise<{ region: string; source: string }> {
  if (opts.region) return { region: opts.region, source: "--region" };
  if (env.AWS_REGION) return { region: env.AWS_REGION, source: "AWS_REGION" };
  if (env.AWS_DEFAULT_REGION) {
    return { region: env.AWS_DEFAULT_REGION, source: "AWS_DEFAULT_REGION" };
  }
  const profile = opts.profile ?? env.AWS_PROFILE ?? "default";
  const region = (await sharedConfig(profile)).sections[profile]?.region;
  if (region) return { region, source: `profile ${profile}` };
  return { region: "us-east-1", source: "default" };
}

/** Whether a profile is defined (the SDK says only "Could not load credentials from any …"). */
export async function profileExists(profile: string): Promise<boolean> {
  const { sections, credentials } = await sharedConfig(profile);
  return profile in sections || profile in credentials;
}

interface ClientOptions extends Omit<CallOptions, "failedIn"> {
  region: string;
  profile?: string;
  endpoint?: string;
  retryStrategy?: MigrationRetryStrategy;
  credentials?: AwsCredentialIdentityProvider;
  /** The variables the credential chain reads, to name a failing credential step. */
  env?: Env;
  /** Connect and read timeouts of every attempt (default DEFAULT_TIMEOUTS). */
  timeouts?: Timeouts;
}

export function createConnectClient(opts: ClientOptions): ConnectClient {
  /** The operation each failed attempt belongs to, for the retry lines. */
  const failedIn = new WeakMap<object, string>();
  const client = new ConnectClient({
    region: opts.region,
    endpoint: opts.endpoint,
    // The endpoint was resolved by lib/aws/endpoint.ts for the profile in use; the SDK
    // would look at AWS_PROFILE's instead of --profile's.
    ignoreConfiguredEndpointUrls: true,
    // With --profile the chain skips env keys, exactly like the AWS CLI.
    credentials: opts.credentials ??
      namingFailures(fromNodeProviderChain({ profile: opts.profile }), opts.profile, opts.env),
    retryStrategy: retryStrategyOf(opts, failedIn),
    requestHandler: new ConnectHttpHandler(
      opts.timeouts ?? DEFAULT_TIMEOUTS,
      opts.limiter?.abandoned,
    ),
    customUserAgent: `${TOOL_NAME}/${VERSION}`,
  });
  installCallMiddleware(client, { ...opts, failedIn });
  return client;
}

/** Our retry policy (or the caller's), telling the log about each retry it grants. */
function retryStrategyOf(opts: ClientOptions, failedIn: WeakMap<object, string>): RetryStrategyV2 {
  const inner = opts.retryStrategy ?? new MigrationRetryStrategy();
  const log = opts.log;
  if (!log) return inner;
  return {
    acquireInitialRetryToken: (scope) => inner.acquireInitialRetryToken(scope),
    async refreshRetryTokenForRetry(token, info) {
      const next = await inner.refreshRetryTokenForRetry(token, info);
      const err = info.error as { name?: string; code?: string } | undefined;
      const status = httpStatusOf(err);
      // Its name and status, or its code without a response.
      const label = status === undefined
        ? `${err?.code ?? err?.name ?? "Error"} (no response)`
        : `${err?.name ?? "Error"} (HTTP ${status})`;
      log.debug(
        `Retrying ${(err && failedIn.get(err)) ?? "a call"} after ${label}: attempt ${
          next.getRetryCount() + 1
        }/${inner.maxAttemptsFor(info)} in ${(next.getRetryDelay() / 1000).toFixed(1)} s`,
      );
      return next;
    },
    recordSuccess: () => inner.recordSuccess(),
  };
}

/** The default chain, a failure other than "no credentials anywhere" tagged with its step. */
function namingFailures(
  provider: AwsCredentialIdentityProvider,
  profile: string | undefined,
  env: Env = {},
): AwsCredentialIdentityProvider {
  return async (props) => {
    try {
      return await provider(props);
    } catch (err) {
      const message = (err as { message?: string } | undefined)?.message ?? "";
      if (!/Could not load credentials from any providers/i.test(message)) {
        markCredentialStep(err, await credentialStep(profile, env));
      }
      throw err;
    }
  };
}

/** The step of the default chain that gets the credentials (without --profile, env keys first). */
async function credentialStep(profile: string | undefined, env: Env): Promise<string> {
  if (profile === undefined && env.AWS_ACCESS_KEY_ID) {
    return "the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables";
  }
  const name = profile ?? env.AWS_PROFILE ?? "default";
  const section = (await sharedConfig(name)).profile;
  const p = `profile "${name}"`;
  if (section.sso_session || section.sso_start_url) {
    return `the SSO token provider for ${p} (IAM Identity Center${
      section.sso_session ? `, sso_session ${section.sso_session}` : ""
    })`;
  }
  if (section.role_arn && section.web_identity_token_file) {
    return `STS AssumeRoleWithWebIdentity for ${p} (role ${section.role_arn})`;
  }
  if (section.role_arn) return `STS AssumeRole for ${p} (role ${section.role_arn})`;
  if (section.credential_process) return `the credential_process of ${p}`;
  if (section.aws_access_key_id) return `the keys of ${p}`;
  if (profile === undefined) {
    if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) {
      return `STS AssumeRoleWithWebIdentity (role ${env.AWS_ROLE_ARN}, AWS_WEB_IDENTITY_TOKEN_FILE)`;
    }
    if (
      env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI
    ) {
      return "the container credentials endpoint (ECS task role or EKS Pod Identity)";
    }
    return "the EC2 instance metadata service (instance role)";
  }
  return `the credential chain for ${p}`;
}

const INSTANCE_ARN = /^arn:[^:]+:connect:([^:]*):[^:]*:instance\/([^/]+)$/;

/** `arn:aws:connect:REGION:ACCOUNT:instance/ID` → ID; a bare ID is returned as is. */
export function instanceIdOf(idOrArn: string): string {
  return INSTANCE_ARN.exec(idOrArn)?.[2] ?? idOrArn;
}

/** The Region of an instance ARN; undefined for a bare ID (or an ARN without one). */
export function regionOfArn(idOrArn: string): string | undefined {
  return INSTANCE_ARN.exec(idOrArn)?.[1] || undefined;
}
