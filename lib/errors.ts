/** The error classes (exit codes: lib/exit.ts), and AWS failures as a cause and what to do. */

import type { RunContext } from "./context.ts";

/** Bad flags or bad input file: nothing was changed. Exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** An AWS failure that stops the whole run (credentials, instance, listing denied). Exit 3. */
export class FatalAwsError extends Error {
  override name = "FatalAwsError";
  constructor(message: string, readonly hint?: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** An SDK error, with what markSent, markCredentialStep and lib/aws/http.ts put on it. */
interface AwsLikeError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $sent?: SentMark;
  $credentialStep?: string;
  timeout?: { kind?: unknown; ms?: unknown };
}

const asAws = (err: unknown): AwsLikeError =>
  typeof err === "object" && err !== null ? err as AwsLikeError : {};

/** Sets a member an error carries out of the SDK, hidden from its enumeration. */
function mark(err: unknown, key: "$sent" | "$credentialStep", value: unknown): void {
  if (typeof err === "object" && err !== null && Object.isExtensible(err)) {
    Object.defineProperty(err, key, { value, enumerable: false, configurable: true });
  }
}

/** The HTTP status the error came with; undefined when no response arrived at all. */
export const httpStatusOf = (err: unknown): number | undefined =>
  asAws(err).$metadata?.httpStatusCode;

/** Attempts the SDK made before it gave up. */
export const attemptsOf = (err: unknown): number => asAws(err).$metadata?.attempts ?? 1;

/** What a call's attempts told of it, marked on the error client.send rejects with. */
export interface SentMark {
  /** An attempt was handed to the HTTP layer (past the rate limiter, signed). */
  sent: boolean;
  /** An attempt may have been applied: it got no answer, or a 5xx, or was abandoned in flight. */
  landed: boolean;
  /** When the first and the last attempt were handed to the HTTP layer, ms since the epoch. */
  firstSentAt?: number;
  lastSentAt?: number;
}

/**
 * Records on an error client.send rejects with what its attempts told (lib/aws/calls.ts). An
 * error shared by two calls (a cached credential failure) keeps `true` once one had: safe side.
 */
export function markSent(err: unknown, m: SentMark): void {
  const before = asAws(err).$sent;
  mark(err, "$sent", {
    sent: m.sent || (before?.sent ?? false),
    landed: m.landed || (before?.landed ?? false),
    firstSentAt: before?.firstSentAt ?? m.firstSentAt,
    lastSentAt: m.lastSentAt ?? before?.lastSentAt,
  });
}

/**
 * What a failed write call's error says of its effect on the service:
 * - "unsent": no attempt reached the HTTP layer, so the service never saw it;
 * - "refused": every attempt was answered with an error that applies nothing (4xx, 429);
 * - "unknown": an attempt got no answer, a 5xx, or was abandoned in flight: it may have
 *   been applied. An error that did not come from client.send counts as unknown: the safe side.
 */
export function answerOf(err: unknown): "unsent" | "refused" | "unknown" {
  const m = asAws(err).$sent;
  return !m ? "unknown" : !m.sent ? "unsent" : m.landed ? "unknown" : "refused";
}

/** When the failed call's first and last attempts left; NaN when none did or it is not known. */
export function sentTimesOf(err: unknown): { first: number; last: number } {
  const m = asAws(err).$sent;
  return { first: m?.firstSentAt ?? Number.NaN, last: m?.lastSentAt ?? Number.NaN };
}

/** Tags a credential failure with its step ("STS AssumeRole for …"): not one of Connect's. */
export const markCredentialStep = (err: unknown, step: string): void =>
  mark(err, "$credentialStep", step);

const credentialStepOf = (err: unknown) => asAws(err).$credentialStep;

export function errorName(err: unknown): string {
  const e = asAws(err);
  return e.name ?? e.code ?? "Error";
}

/** `Name: message` for logs and reports; the message alone when it already names the error. */
export function describeError(err: unknown): string {
  const name = errorName(err);
  const message = asAws(err).message ?? String(err);
  return message && message !== name ? `${name}: ${message}` : name;
}

/** Connect refused the action (IAM); a refusal while getting credentials is not one. */
export function isAccessDenied(err: unknown): boolean {
  return ["AccessDeniedException", "AccessDenied", "UnauthorizedException"].includes(
    errorName(err),
  ) && credentialStepOf(err) === undefined;
}

export const isNotFound = (err: unknown) => errorName(err) === "ResourceNotFoundException";

/** A create whose first response was lost comes back like this on retry. */
export const isDuplicate = (err: unknown) => errorName(err) === "DuplicateResourceException";

export const isLimitExceeded = (err: unknown) => errorName(err) === "LimitExceededException";

const text = (err: unknown, ...keys: ("name" | "code" | "message")[]) =>
  keys.map((k) => asAws(err)[k] ?? "").join(" ");

/** The endpoint cannot be reached at all (not one lost response). */
const isNetworkDown = (err: unknown) =>
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|connection refused|failed to lookup|dns error/i.test(
    text(err, "code", "message"),
  );

function isNetwork(err: unknown): boolean {
  const t = text(err, "name", "code", "message");
  return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH/.test(t) ||
    /connection refused|failed to lookup|dns error|tcp connect error|network error/i.test(t);
}

/** The instance a run talks to, for messages. */
export type Where = Pick<RunContext, "instanceId" | "region" | "endpoint">;

/** Credential and signature failures: every further call would fail the same way. */
const CREDENTIAL_ERRORS = new Set([
  "CredentialsProviderError",
  "ExpiredTokenException",
  "ExpiredToken",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
]);

/** Which timeout ran out (lib/aws/http.ts TimeoutError), after the SDK's retries. */
function timeoutOf(err: unknown): "connect" | "read" | undefined {
  const t = asAws(err).timeout;
  return errorName(err) === "TimeoutError" && (t?.kind === "connect" || t?.kind === "read") &&
      typeof t.ms === "number"
    ? t.kind
    : undefined;
}

/**
 * Errors after which every further call would fail the same way: the run stops (exit 3).
 * A timeout counts: the call was already tried 4 times, each for the whole timeout.
 */
export function isFatalForRun(err: unknown): boolean {
  return CREDENTIAL_ERRORS.has(errorName(err)) || isNetworkDown(err) ||
    timeoutOf(err) !== undefined || credentialStepOf(err) !== undefined ||
    isWrongRegionSignature(err) ||
    /Could not load credentials|token.*expired/i.test(asAws(err).message ?? "");
}

/** AWS's answer to a request signed for another Region than the endpoint's. */
const isWrongRegionSignature = (err: unknown) =>
  /credential should be scoped to (a valid|the correct) region/i.test(asAws(err).message ?? "");

/** SearchQuickConnects refused (IAM) or not served (an endpoint without it): use List. */
export const isSearchUnavailable = (err: unknown) =>
  isAccessDenied(err) || errorName(err) === "UnknownOperationException";

/** A whole-run failure with its cause and what to do, `prefix` first in the message. */
export function toFatal(err: unknown, where: Where, action: string, prefix = ""): FatalAwsError {
  const g = guidance(err, { ...where, action });
  return new FatalAwsError(`${prefix}${g.cause}`, g.hint, { cause: err });
}

/** What guidance() knows of a failure; `action`: the IAM action of the call. */
interface Facts extends Where {
  err: unknown;
  name: string;
  message: string;
  action: string;
}

/** A cause and what to do about it. */
type Said = [cause: string, hint: string];

const CREDENTIALS_NOT_FOUND = /Could not load credentials/i;

/** First match wins: credential problems before the Region, the Region before the rest. */
const RULES: readonly [(f: Facts) => boolean, (f: Facts) => Said][] = [
  [
    (f) =>
      /aws sso login|sso (session|token)|token.*(expired|is invalid)|refresh.*token/i.test(
        f.message,
      ) || f.name === "ExpiredTokenException" || f.name === "ExpiredToken",
    (f) => [
      `The AWS session or SSO token has expired or cannot be refreshed (${f.message})`,
      "run `aws sso login` (with --profile NAME if you use one) and try again",
    ],
  ],
  [
    (f) => credentialStepOf(f.err) !== undefined,
    (f) => credentialStepGuidance(f.err, credentialStepOf(f.err) ?? ""),
  ],
  [
    (f) => f.name === "CredentialsProviderError" && !CREDENTIALS_NOT_FOUND.test(f.message),
    (f) => [
      `AWS credentials could not be loaded (${f.message})`,
      "check the profile's settings in ~/.aws/config (source_profile, role_arn, credential_process, sso_*) or the AWS_* variables",
    ],
  ],
  [
    (f) => f.name === "CredentialsProviderError" || CREDENTIALS_NOT_FOUND.test(f.message),
    () => [
      "No AWS credentials were found",
      "set AWS_PROFILE or pass --profile, export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run on an EC2 instance with an instance role",
    ],
  ],
  [
    (f) => isWrongRegionSignature(f.err),
    (f) => [
      `The request was signed for ${f.region}, but ${
        f.endpoint ? `the endpoint ${f.endpoint}` : "the endpoint"
      } is in another Region (${f.name}: ${f.message})`,
      `the keys are fine: ${wrongRegionHint(f)}`,
    ],
  ],
  [
    (f) => f.name === "InvalidSignatureException",
    (f) => [
      `AWS rejected the request signature for ${f.region} (${f.name}: ${f.message}); the Region is probably wrong`,
      `check that ${f.region} is the instance's Region${
        f.endpoint ? ` and the Region of --endpoint-url ${f.endpoint}` : ""
      } (--region, AWS_REGION or the profile's region); if it is, check the secret access key and the system clock`,
    ],
  ],
  [
    (f) => CREDENTIAL_ERRORS.has(f.name),
    (f) => [
      `AWS rejected the credentials (${f.name}: ${f.message})`,
      "check the access key, the profile and the system clock; a key from another partition or a deleted user is rejected",
    ],
  ],
  [
    (f) => isAccessDenied(f.err),
    (f) => [
      `Access denied for ${f.action}`,
      `allow the IAM action ${f.action} on instance ${f.instanceId} for these credentials`,
    ],
  ],
  [
    (f) => isNotFound(f.err),
    (f) => [
      `Amazon Connect instance ${f.instanceId} was not found in ${f.region}`,
      "check --instance-id (an instance ID or ARN) and --region; instances are regional and belong to one account",
    ],
  ],
  [
    (f) => /Region is missing/i.test(f.message),
    () => [
      "No AWS region is configured",
      "pass --region or set AWS_REGION (under `deno run`, also --allow-read so ~/.aws/config can be read)",
    ],
  ],
  [(f) => timeoutOf(f.err) !== undefined, (f) => timeoutGuidance(f)],
  [
    (f) => isNetwork(f.err),
    (f) => [
      `Cannot reach the Amazon Connect endpoint${
        f.endpoint ? ` ${f.endpoint}` : ` in ${f.region}`
      } (${f.message})`,
      "check --endpoint-url, --region, proxy settings and network access to AWS",
    ],
  ],
  [
    (f) => isLimitExceeded(f.err),
    (f) => [
      `A service quota was reached (${f.message})`,
      "ask for a quota increase in the Service Quotas console, then run again",
    ],
  ],
];

/** A failure not about one quick connect, for a user: its cause in one line and the next step. */
export function guidance(err: unknown, ctx: Where & { action: string }) {
  const facts = { ...ctx, err, name: errorName(err), message: asAws(err).message ?? String(err) };
  const [cause, hint] = RULES.find(([when]) => when(facts))?.[1](facts) ??
    [describeError(err), "see the log file for details"];
  return { cause, hint };
}

/** Which Region to pass after a wrong-Region signature: never the one that just failed. */
function wrongRegionHint(f: Facts): string {
  // The Region in a Connect endpoint's host name (regional, FIPS, dual-stack or VPC).
  const endpointRegion = f.endpoint === undefined
    ? undefined
    : /^https?:\/\/(?:[^/:]*\.)?connect(?:-fips)?\.([a-z]{2}(?:-[a-z]+){1,2}-\d)\.(?:vpce\.)?(?:amazonaws\.com|api\.aws)(?:[:/]|$)/
      .exec(f.endpoint)?.[1];
  if (endpointRegion !== undefined && endpointRegion !== f.region) {
    return `pass --region ${endpointRegion} (the endpoint's Region)`;
  }
  if (endpointRegion !== undefined) {
    return `the endpoint's name says ${endpointRegion}, the Region the request was signed for, ` +
      "but it serves another: check --endpoint-url (a proxy or an alias in front of another Region?)";
  }
  if (f.endpoint) {
    // Its name says no Region: any Region named here would be a guess.
    return `pass the endpoint's Region with --region or AWS_REGION (${f.region} is not it)`;
  }
  return `pass the instance's Region with --region or AWS_REGION (${f.region} is not it), ` +
    "or give --instance-id as the instance ARN";
}

/** A call that timed out on every attempt: which endpoint, which timeout, what to change. */
function timeoutGuidance(f: Facts): Said {
  const attempts = attemptsOf(f.err);
  const where =
    "check the endpoint (--endpoint-url, AWS_ENDPOINT_URL_CONNECT, AWS_ENDPOINT_URL or the profile's endpoint_url; the run's first lines say which is used), proxy settings and network access";
  return [
    `Amazon Connect did not answer ${f.action}: ${asAws(f.err).message ?? "timeout"}, ${
      attempts === 1 ? "1 attempt" : `${attempts} attempts`
    }`,
    timeoutOf(f.err) === "connect"
      ? `${where}; on a slow link, raise --connect-timeout (seconds, 0: no limit)`
      : `${where}; if the endpoint is only slow, raise --read-timeout (seconds, 0: no limit)`,
  ];
}

/** A failure while getting credentials, named after the step that failed. */
function credentialStepGuidance(err: unknown, step: string): Said {
  const sso = /^the SSO token provider/.test(step);
  const sts = /^STS /.test(step);
  if (isNetwork(err)) {
    return [
      `Cannot get AWS credentials: ${step} could not be reached (${describeError(err)})`,
      sso
        ? "check network access and proxy settings to the IAM Identity Center portal (portal.sso.REGION.amazonaws.com, or AWS_ENDPOINT_URL_SSO); --endpoint-url only applies to Amazon Connect"
        : sts
        ? "check network access and proxy settings to AWS STS (sts.REGION.amazonaws.com, or AWS_ENDPOINT_URL_STS); --endpoint-url only applies to Amazon Connect"
        : "check network access to it; --endpoint-url only applies to Amazon Connect",
    ];
  }
  return [
    `Cannot get AWS credentials: ${step} failed (${describeError(err)})`,
    sso
      ? "run `aws sso login` for this profile; check its sso_* settings, the account and the role name"
      : sts
      ? "check role_arn and source_profile (or credential_source) in ~/.aws/config, and that the source credentials may call sts:AssumeRole on that role (its trust policy)"
      : "check the profile's settings in ~/.aws/config or the AWS_* variables",
  ];
}
