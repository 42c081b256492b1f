/**
 * The retry policy of a migration: full-jitter exponential backoff and no shared retry quota
 * (the SDK's runs dry in a long throttling storm, failing calls that would have succeeded).
 * Throttling and 5xx answers get `maxAttempts` (10); failures without any HTTP response
 * (refused, reset, DNS, timeout) get 4: an endpoint that refuses every connection fails in
 * seconds. LimitExceededException is a service quota, never retried, though the SDK calls it
 * throttling.
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";
import { httpStatusOf } from "../errors.ts";

/** Attempts for a call that failed without an HTTP response. */
export const TRANSIENT_ATTEMPTS = 4;
export const MAX_ATTEMPTS = 10;

const token = (count: number, delay: number): RetryToken => ({
  getRetryCount: () => count,
  getRetryDelay: () => delay,
});

export class MigrationRetryStrategy implements RetryStrategyV2 {
  readonly mode = "standard";
  readonly #maxAttempts: number;
  readonly #delay: (attempt: number) => number;
  /** Retries made, per error name (for tests and debugging). */
  readonly retries = new Map<string, number>();

  /** `delay`: before retry `attempt` (1-based), in ms; tests pass `() => 0`. */
  constructor(options: { maxAttempts?: number; delay?: (attempt: number) => number } = {}) {
    this.#maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
    this.#delay = options.delay ??
      ((attempt) => Math.random() * Math.min(20_000, 250 * 2 ** attempt));
  }

  /** Total attempts a call failing like this gets, the first included (1: no retry). */
  maxAttemptsFor(info: RetryErrorInfo): number {
    const name = info.error?.name ?? "";
    if (info.errorType === "CLIENT_ERROR" || name === "LimitExceededException") return 1;
    // The SDK calls a 5xx TRANSIENT too, like a lost connection: the status tells them apart.
    if (info.errorType === "TRANSIENT" && httpStatusOf(info.error) === undefined) {
      return Math.min(TRANSIENT_ATTEMPTS, this.#maxAttempts);
    }
    return this.#maxAttempts;
  }

  acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return Promise.resolve(token(0, 0));
  }

  refreshRetryTokenForRetry(last: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const name = info.error?.name || info.errorType;
    const attempt = last.getRetryCount() + 1;
    if (attempt >= this.maxAttemptsFor(info)) return Promise.reject(new Error("no retry"));
    this.retries.set(name, (this.retries.get(name) ?? 0) + 1);
    return Promise.resolve(token(attempt, this.#delay(attempt)));
  }

  recordSuccess(): void {}
}
