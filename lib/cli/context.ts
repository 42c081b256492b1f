/**
 * Builds the RunContext from the flags both commands share: Region, profile, endpoint
 * (logged with where it came from), timeouts, the rate limiter and the client. Anything
 * wrong here is a UsageError (exit 2), found before the first API call.
 */
import {
  createConnectClient,
  type Env,
  instanceIdOf,
  profileExists,
  regionOfArn,
  resolveRegion,
} from "../aws/client.ts";
import { defaultEndpointOf, resolveEndpoint } from "../aws/endpoint.ts";
import { DEFAULT_TIMEOUTS } from "../aws/http.ts";
import { RateLimiter } from "../aws/limiter.ts";
import type { RunContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import { esc, type Logger } from "../log.ts";

export interface AwsFlags {
  /** Only an import's --plan or --undo may leave it out: their file names it. */
  "instance-id"?: string;
  region?: string;
  profile?: string;
  "endpoint-url"?: string;
  /** Seconds, checked by the flag table. */
  "connect-timeout"?: number;
  "read-timeout"?: number;
}

/** CONNECT_QUOTA_SCALE: a positive number, for accounts whose quotas were raised. */
function quotaScale(env: Env): number {
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

/** A timeout flag in seconds (fractions allowed, 0: no limit), in milliseconds. */
const ms = (seconds: number | undefined, fallback: number) =>
  seconds === undefined ? fallback : Math.round(seconds * 1000);

// Amazon Connect instance IDs are UUIDs; an instance ARN is
// arn:PARTITION:connect:REGION:ACCOUNT:instance/ID (the API takes either). A value that is
// neither would only come back "not found" after calls, or end up in a request path and the
// default export file name.
const INSTANCE = new RegExp(
  "^(arn:aws(-[a-z]+)*:connect:[a-z]{2}(-[a-z]+){1,2}-\\d:\\d{12}:instance/)?" +
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
);

/** Checks that need no AWS call; run before any file is written. */
export function checkAwsFlags(flags: AwsFlags, env: Env): void {
  const id = flags["instance-id"];
  if (id !== undefined && !INSTANCE.test(id)) {
    throw new UsageError(
      `Invalid value for --instance-id: "${esc(id)}" (expected an instance ID such as ` +
        "11111111-2222-3333-4444-555555555555, or an instance ARN " +
        "arn:aws:connect:REGION:ACCOUNT:instance/ID)",
    );
  }
  const endpoint = flags["endpoint-url"];
  if (endpoint !== undefined && !URL.canParse(endpoint)) {
    throw new UsageError(
      `Invalid value for --endpoint-url: "${endpoint}" (expected a URL such as https://connect.eu-west-2.amazonaws.com)`,
    );
  }
  quotaScale(env);
  const arnRegion = regionOfArn(id ?? "");
  // The Region given explicitly, by flag or variable (not a profile's, not the default).
  const [source, region] = Object.entries({
    "--region": flags.region,
    AWS_REGION: env.AWS_REGION,
    AWS_DEFAULT_REGION: env.AWS_DEFAULT_REGION,
  }).find(([, r]) => r) ?? [];
  if (arnRegion && region && region !== arnRegion) {
    const fix = source === "--region"
      ? `pass --region ${arnRegion}, or leave --region out to use the ARN's`
      : `set ${source}=${arnRegion}, or unset it to use the ARN's`;
    throw new UsageError(
      `The --instance-id ARN is in ${arnRegion}, but ${source} is ${region}: an Amazon Connect instance lives in one Region; ${fix}`,
    );
  }
}

export async function buildContext(
  flags: AwsFlags,
  opts: { env: Env; logger: Logger; captureRawResponses?: boolean },
): Promise<RunContext> {
  checkAwsFlags(flags, opts.env);
  const given = flags["instance-id"];
  if (given === undefined) throw new UsageError("Missing required option --instance-id");
  const profile = flags.profile;
  if (profile !== undefined && !(await profileExists(profile))) {
    throw new UsageError(
      `Profile "${profile}" was not found in ~/.aws/config or ~/.aws/credentials (or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE): check the name, or run \`aws configure --profile ${profile}\` / \`aws configure sso\``,
    );
  }
  const region = await regionFor(given, flags, opts);
  const chosen = await resolveEndpoint({ endpointUrl: flags["endpoint-url"], profile }, opts.env);
  const limiter = new RateLimiter({ scale: quotaScale(opts.env), log: opts.logger });
  const endpoint = chosen.url;
  const client = createConnectClient({
    region,
    profile,
    endpoint,
    limiter,
    captureRawResponses: opts.captureRawResponses,
    log: opts.logger,
    env: opts.env,
    timeouts: {
      connectMs: ms(flags["connect-timeout"], DEFAULT_TIMEOUTS.connectMs),
      readMs: ms(flags["read-timeout"], DEFAULT_TIMEOUTS.readMs),
    },
  });
  // Where the calls go, and why: a rehearsal profile must visibly not be production.
  const url = endpoint ?? await defaultEndpointOf(client);
  const from = endpoint === undefined ? chosen.source : `from ${chosen.source}`;
  opts.logger.info(`Endpoint: ${esc(url)} (${esc(from)})`);
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

/** The Region (see resolveRegion), or the instance ARN's, which wins over the defaults. */
async function regionFor(
  given: string,
  flags: AwsFlags,
  opts: { env: Env; logger: Logger },
): Promise<string> {
  let { region, source } = await resolveRegion(
    { region: flags.region, profile: flags.profile },
    opts.env,
  );
  // An ARN names its Region; one given by flag or variable that differs was refused before.
  const arnRegion = regionOfArn(given);
  if (arnRegion && arnRegion !== region) {
    opts.logger.info(
      `Using Region ${esc(arnRegion)} from the --instance-id ARN (instead of ${
        source === "default" ? `the default ${region}` : `${esc(region)} from ${esc(source)}`
      })`,
    );
    region = arnRegion;
    source = "the --instance-id ARN";
  }
  if (!/^[a-z]{2}(-[a-z]+){1,2}-\d$/.test(region)) {
    throw new UsageError(`Invalid AWS Region "${region}" (from ${source}), e.g. us-east-1`);
  }
  return region;
}
