/**
 * One token bucket per Connect operation, shared by every call in the process, at the
 * account's default API quotas. Connect throttles per account, Region and operation, so
 * staying under these rates avoids 429s instead of paying for them with retries.
 */

export interface Quota {
  rate: number;
  burst: number;
}

/**
 * Service Quotas defaults (requests/second). The rate-10 operations publish no burst;
 * 10 is our assumption. Every other operation gets the documented generic 2 req/s, burst 5.
 */
export const DEFAULT_QUOTAS: Readonly<Record<string, Quota>> = {
  ListQuickConnects: { rate: 10, burst: 10 },
  DescribeQuickConnect: { rate: 10, burst: 10 },
  ListUsers: { rate: 10, burst: 10 },
  DescribeUser: { rate: 10, burst: 10 },
  ListQueues: { rate: 10, burst: 10 },
  ListQueueQuickConnects: { rate: 10, burst: 10 },
};
export const GENERIC_QUOTA: Quota = { rate: 2, burst: 5 };

export function quotaFor(operation: string, scale = 1): Quota {
  const q = DEFAULT_QUOTAS[operation] ?? GENERIC_QUOTA;
  return { rate: q.rate * scale, burst: Math.max(1, Math.round(q.burst * scale)) };
}

/** Raised to callers still waiting for a token when the limiter is closed (Ctrl-C). */
export class InterruptedError extends Error {
  override name = "InterruptedError";
}

/** Also true for an InterruptedError that crossed the SDK (it may rewrap or copy errors). */
export function isInterrupted(err: unknown): boolean {
  return err instanceof InterruptedError ||
    (typeof err === "object" && err !== null && (err as Error).name === "InterruptedError");
}

interface Bucket {
  tokens: number;
  updated: number;
  quota: Quota;
}

export interface RateLimiterOptions {
  /** Multiplies every rate and burst (accounts with raised quotas). */
  scale?: number;
  /** No limiting at all (tests against an emulator without quotas). */
  disabled?: boolean;
  now?: () => number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #waiters = new Set<
    { timer: ReturnType<typeof setTimeout>; reject: (e: Error) => void }
  >();
  readonly #now: () => number;
  readonly #scale: number;
  readonly #disabled: boolean;
  #closed = false;
  /** Milliseconds spent waiting for tokens, per operation. */
  readonly waited = new Map<string, number>();

  constructor(options: RateLimiterOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#scale = options.scale ?? 1;
    this.#disabled = options.disabled ?? false;
  }

  #bucket(operation: string): Bucket {
    let b = this.#buckets.get(operation);
    if (!b) {
      const q = quotaFor(operation, this.#scale);
      // A little under the server's rate and burst: both clocks tick independently and
      // arriving a hair early would cost a 429 and a retry.
      const quota = { rate: q.rate * 0.97, burst: Math.max(1, q.burst - 1) };
      b = { tokens: quota.burst, updated: this.#now(), quota };
      this.#buckets.set(operation, b);
    }
    return b;
  }

  /** Waits until one call of `operation` may start. Reservations are served in order. */
  acquire(operation: string): Promise<void> {
    if (this.#closed) return Promise.reject(new InterruptedError("interrupted"));
    if (this.#disabled) return Promise.resolve();
    const b = this.#bucket(operation);
    const now = this.#now();
    b.tokens = Math.min(b.quota.burst, b.tokens + (now - b.updated) / 1000 * b.quota.rate);
    b.updated = now;
    b.tokens -= 1;
    if (b.tokens >= 0) return Promise.resolve();
    const wait = -b.tokens / b.quota.rate * 1000;
    this.waited.set(operation, (this.waited.get(operation) ?? 0) + wait);
    return new Promise((resolve, reject) => {
      const waiter = {
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          resolve();
        }, wait),
        reject,
      };
      this.#waiters.add(waiter);
    });
  }

  /** No new calls: every pending and future acquire fails with InterruptedError. */
  close(): void {
    this.#closed = true;
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.reject(new InterruptedError("interrupted"));
    }
    this.#waiters.clear();
  }
}
