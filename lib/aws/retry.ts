/**
 * The SDK retry policy for a migration: more attempts than the SDK default, full-jitter
 * exponential backoff, and no shared retry quota (the standard strategy's quota runs dry
 * in a long throttling storm and then fails calls that would have succeeded).
 * LimitExceededException is a service quota (e.g. quick connects per instance), not
 * throttling: it is never retried, although the SDK classifies it as throttling.
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";

export interface RetryOptions {
  maxAttempts?: number;
  /** Delay before retry `attempt` (1-based), in ms. Tests pass `() => 0`. */
  delay?: (attempt: number) => number;
}

const NEVER_RETRY = new Set(["LimitExceededException"]);
/**
 * Connection-level failures get fewer attempts: one lost response is worth a retry, an
 * endpoint that refuses every connection should fail in seconds, not minutes.
 */
const TRANSIENT_ATTEMPTS = 4;

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
    this.#maxAttempts = options.maxAttempts ?? 10;
    this.#delay = options.delay ?? defaultDelay;
  }

  acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return Promise.resolve(new Token(0, 0));
  }

  refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const name = info.error?.name ?? "";
    const attempt = token.getRetryCount() + 1;
    if (
      info.errorType === "CLIENT_ERROR" || NEVER_RETRY.has(name) ||
      attempt >= this.#maxAttempts ||
      (info.errorType === "TRANSIENT" && attempt >= Math.min(TRANSIENT_ATTEMPTS, this.#maxAttempts))
    ) {
      return Promise.reject(new Error("no retry"));
    }
    this.retries.set(name || info.errorType, (this.retries.get(name || info.errorType) ?? 0) + 1);
    return Promise.resolve(new Token(attempt, this.#delay(attempt)));
  }

  recordSuccess(_token: RetryToken): void {}
}
