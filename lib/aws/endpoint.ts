/**
 * Which endpoint Connect calls go to, in the order of the AWS CLI and SDKs
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html): --endpoint-url ›
 * AWS_ENDPOINT_URL_CONNECT › AWS_ENDPOINT_URL › the `connect` endpoint_url of the profile's
 * `services` section › the profile's endpoint_url › the Region's default. The
 * ignore_configured_endpoint_urls setting skips all but --endpoint-url. The profile is
 * --profile's, else AWS_PROFILE's (the SDK alone reads only AWS_PROFILE's, so `--profile
 * rehearsal` would reach the real endpoint: the client is given the result).
 */
import type { ConnectClient } from "@aws-sdk/client-connect";
import { UsageError } from "../errors.ts";
import { type Env, sharedConfig } from "./client.ts";

interface EndpointChoice {
  /** undefined: the Region's default endpoint. */
  url: string | undefined;
  /** Where it came from, for the log: "--endpoint-url", "AWS_ENDPOINT_URL", … */
  source: string;
}

/** "true" / "false" (any case), as the SDKs read these settings; anything else is refused. */
function flag(value: string | undefined, where: string): boolean | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const v = value.trim().toLowerCase();
  if (v === "true" || v === "false") return v === "true";
  throw new UsageError(`Invalid ${where}: "${value}" (expected true or false)`);
}

function checked(choice: EndpointChoice): EndpointChoice {
  if (choice.url !== undefined && !URL.canParse(choice.url)) {
    throw new UsageError(
      `Invalid endpoint URL "${choice.url}" from ${choice.source} (expected a URL such as https://connect.eu-west-2.amazonaws.com)`,
    );
  }
  return choice;
}

export async function resolveEndpoint(
  opts: { endpointUrl?: string; profile?: string },
  env: Env,
): Promise<EndpointChoice> {
  if (opts.endpointUrl) return checked({ url: opts.endpointUrl, source: "--endpoint-url" });
  const name = opts.profile ?? env.AWS_PROFILE ?? "default";
  const p = `profile "${name}"`;
  const { profile, sections } = await sharedConfig(name);
  // Set either way, the variable decides; unset, the profile's setting does.
  const byEnv = flag(
    env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS,
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
  );
  const byProfile = `ignore_configured_endpoint_urls in ${p}`;
  const ignoredBy = byEnv !== undefined
    ? (byEnv ? "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" : undefined)
    : flag(profile.ignore_configured_endpoint_urls, byProfile)
    ? byProfile
    : undefined;
  if (ignoredBy) {
    return {
      url: undefined,
      source: `the Region's default (configured endpoints ignored: ${ignoredBy})`,
    };
  }
  for (const key of ["AWS_ENDPOINT_URL_CONNECT", "AWS_ENDPOINT_URL"]) {
    if (env[key]) return checked({ url: env[key], source: key });
  }
  const services = profile.services;
  if (services) {
    const section = sections[`services.${services}`];
    if (!section) {
      throw new UsageError(
        `${p} names services section "${services}", which is not in the AWS config file (add [services ${services}], or remove "services" from the profile)`,
      );
    }
    const url = section["connect.endpoint_url"];
    if (url) return checked({ url, source: `the services section "${services}" of ${p}` });
  }
  if (profile.endpoint_url) {
    return checked({ url: profile.endpoint_url, source: `the endpoint_url of ${p}` });
  }
  return { url: undefined, source: "the Region's default" };
}

/** The URL the client sends to when no endpoint was configured (for the log). */
export async function defaultEndpointOf(client: ConnectClient): Promise<string> {
  const c = client.config;
  const endpoint = c.endpointProvider({
    Region: await c.region(),
    UseFIPS: await c.useFipsEndpoint(),
    UseDualStack: await c.useDualstackEndpoint(),
  });
  return endpoint.url.href.replace(/\/$/, "");
}
