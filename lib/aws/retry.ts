/**
 * The SDK retry policy for a migration: more attempts than the SDK default, full-jitter
 * exponential backoff, and no shared retry quota (the standard strategy's quota runs dry
 * in a long throttling storm and then fails calls that would have succeeded).
 *
 * - Throttling (429: ThrottlingException, TooManyRequestsException) and 5xx answers get
 *   `maxAttempts` (10). The SDK classifies 500/502/503/504 as TRANSIENT, like a lost
 *   connection; a 5xx came with a response, so it gets the full count.
 * - Failures without any HTTP response (connection refused or reset, DNS, timeout) get
 *   TRANSIENT_ATTEMPTS (4): one lost response is worth a retry, an endpoint that refuses
 *   every connection should fail in seconds, not minutes.
 * - LimitExceededException is a service quota (e.g. quick connects per instance), not
 *   throttling: it is never retried, although the SDK classifies it as throttling.
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";
import { httpStatusOf } from "../errors.ts";

export interface RetryOptions {
  maxAttempts?: number;
  /** Delay before retry `attempt` (1-based), in ms. Tests pass `() => 0`. */
  delay?: (attempt: number) => number;
}

const NEVER_RETRY = new Set(["LimitExceededException"]);
/** Attempts for a call that failed without an HTTP response. */
export const TRANSIENT_ATTEMPTS = 4;
export const MAX_ATTEMPTS = 10;

export const defaultDelay = (attempt: number): number =>
  Math.random() * Math.min(20_000, 250 * 2 ** attempt);

class Token implements RetryToken {
  constructor(readonly count: number, readonly delay: number) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return this.delay;
  }
}

export class MigrationRetryStrategy implements RetryStrategyV2 {
  readonly mode = "standard";
  readonly #maxAttempts: number;
  readonly #delay: (attempt: number) => number;
  /** Retries made, per error name (for tests and debugging). */
  readonly retries = new Map<string, number>();

  constructor(options: RetryOptions = {}) {
    this.#maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
    this.#delay = options.delay ?? defaultDelay;
  }

  /** Total attempts a call failing like this gets, the first included (1: no retry). */
  maxAttemptsFor(info: RetryErrorInfo): number {
    const name = info.error?.name ?? "";
    if (info.errorType === "CLIENT_ERROR" || NEVER_RETRY.has(name)) return 1;
    if (info.errorType === "TRANSIENT" && httpStatusOf(info.error) === undefined) {
      return Math.min(TRANSIENT_ATTEMPTS, this.#maxAttempts);
    }
    return this.#maxAttempts;
  }

  acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return Promise.resolve(new Token(0, 0));
  }

  refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const name = info.error?.name ?? "";
    const attempt = token.getRetryCount() + 1;
    if (attempt >= this.maxAttemptsFor(info)) return Promise.reject(new Error("no retry"));
    this.retries.set(name || info.errorType, (this.retries.get(name || info.errorType) ?? 0) + 1);
    return Promise.resolve(new Token(attempt, this.#delay(attempt)));
  }

  recordSuccess(_token: RetryToken): void {}
}

/** One retry about to happen. */
export interface RetryEvent {
  info: RetryErrorInfo;
  /** The attempt about to be made (2 for the first retry). */
  attempt: number;
  /** Total attempts this kind of failure gets, when the strategy says. */
  maxAttempts?: number;
  /** Milliseconds before it. */
  delay: number;
}

/** `inner`, telling `onRetry` about each retry it grants. */
export function observeRetries(
  inner: RetryStrategyV2,
  onRetry: (event: RetryEvent) => void,
): RetryStrategyV2 {
  return {
    acquireInitialRetryToken: (scope) => inner.acquireInitialRetryToken(scope),
    async refreshRetryTokenForRetry(token, info) {
      const next = await inner.refreshRetryTokenForRetry(token, info);
      onRetry({
        info,
        attempt: next.getRetryCount() + 1,
        maxAttempts: inner instanceof MigrationRetryStrategy
          ? inner.maxAttemptsFor(info)
          : undefined,
        delay: next.getRetryDelay(),
      });
      return next;
    },
    recordSuccess: (token) => inner.recordSuccess(token),
  };
}
