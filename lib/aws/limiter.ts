/**
 * One token bucket per Connect operation, shared by every call in the process, at the default
 * API quotas: Connect throttles per account, Region and operation, so staying under them avoids
 * 429s. Applied quotas may be lower (or shared), so each bucket adapts (AIMD, the constants
 * below): only the throttled operation slows down.
 */
import type { Logger } from "../log.ts";

interface Quota {
  rate: number;
  burst: number;
}

/**
 * Service Quotas defaults (requests/second). The rate-10 operations publish no burst;
 * 10 is our assumption. Every other operation gets the documented generic 2 req/s, burst 5.
 */
const DEFAULT_QUOTAS: Readonly<Record<string, Quota>> = {
  ListQuickConnects: { rate: 10, burst: 10 },
  DescribeQuickConnect: { rate: 10, burst: 10 },
  ListUsers: { rate: 10, burst: 10 },
  DescribeUser: { rate: 10, burst: 10 },
  ListQueues: { rate: 10, burst: 10 },
  ListQueueQuickConnects: { rate: 10, burst: 10 },
};
export function quotaFor(operation: string, scale = 1): Quota {
  const q = DEFAULT_QUOTAS[operation] ?? { rate: 2, burst: 5 };
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

/** Where lib/aws writes what it has to say: the run's logger. */
export type AwsLog = Pick<Logger, "debug" | "info" | "warning" | "lastWrite">;

/** The error names Connect throttles with (docs/live-service.md §7). */
export const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  "ThrottlingException",
  "TooManyRequestsException",
]);

/**
 * The adaptation (the numbers of docs/reference.md): a throttled attempt halves the rate (not
 * below 0.1/s) and drains the tokens; each run of 10 successes adds a tenth of the configured
 * rate up to 0.9 × the rate last throttled, a fiftieth past it (a quota raised again).
 */
const AIMD = { decrease: 0.5, floor: 0.1, successRun: 10, increase: 0.1, near: 0.9, probe: 0.02 };

interface Bucket {
  tokens: number;
  updated: number;
  /** The configured ceiling (the quota, a little under the server's). */
  quota: Quota;
  /** Current pacing, ≤ quota.rate. */
  rate: number;
  burst: number;
  /** Successes since the rate last changed. */
  successes: number;
  /** When the rate was last lowered: attempts sent before that were already reacted to. */
  loweredAt: number;
  lowered: number;
  /** The rate last throttled. */
  ceiling: number;
}

interface RateLimiterOptions {
  /** Multiplies every rate and burst (accounts with raised quotas). */
  scale?: number;
  /** No limiting at all (tests against an emulator without quotas). */
  disabled?: boolean;
  /** false: keep every operation at its configured rate, throttled or not (measurements). */
  adaptive?: boolean;
  /** DEBUG lines for waits over a second and rate changes, an INFO line the first time. */
  log?: AwsLog;
  now?: () => number;
}

const fmtRate = (r: number) => r >= 1 ? r.toFixed(2) : r.toPrecision(2);
const fmtSeconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #waiters = new Set<
    { timer: ReturnType<typeof setTimeout>; reject: (e: Error) => void }
  >();
  /** The limiter's clock: stamp an attempt with it when it is sent (see `throttled`). */
  readonly now: () => number;
  #closed = false;
  readonly #abandon = new AbortController();
  /** Milliseconds spent waiting for tokens, per operation. */
  readonly waited = new Map<string, number>();
  /** Throttled attempts seen, per operation. */
  readonly throttles = new Map<string, number>();

  constructor(private readonly options: RateLimiterOptions = {}) {
    this.now = options.now ?? (() => performance.now());
  }

  #bucket(operation: string): Bucket {
    let b = this.#buckets.get(operation);
    if (!b) {
      const q = quotaFor(operation, this.options.scale);
      // A little under the server's rate and burst: both clocks tick independently and
      // arriving a hair early would cost a 429 and a retry.
      const quota = { rate: q.rate * 0.97, burst: Math.max(1, q.burst - 1) };
      b = {
        tokens: quota.burst,
        updated: this.now(),
        quota,
        rate: quota.rate,
        burst: quota.burst,
        successes: 0,
        loweredAt: -Infinity,
        lowered: 0,
        ceiling: Infinity,
      };
      this.#buckets.set(operation, b);
    }
    return b;
  }

  #refill(b: Bucket, now: number): void {
    b.tokens = Math.min(b.burst, b.tokens + (now - b.updated) / 1000 * b.rate);
    b.updated = now;
  }

  /** The current pacing of an operation, in calls per second (after any adaptation). */
  rate(operation: string): number {
    return this.#bucket(operation).rate;
  }

  /** Waits until one call of `operation` may start. Reservations are served in order. */
  acquire(operation: string): Promise<void> {
    if (this.#closed) return Promise.reject(new InterruptedError("interrupted"));
    if (this.options.disabled) return Promise.resolve();
    const b = this.#bucket(operation);
    this.#refill(b, this.now());
    b.tokens -= 1;
    if (b.tokens >= 0) return Promise.resolve();
    const wait = -b.tokens / b.rate * 1000;
    this.waited.set(operation, (this.waited.get(operation) ?? 0) + wait);
    if (wait > 1000) {
      this.options.log?.debug(
        `Waiting ${fmtSeconds(wait)} for the ${operation} quota (${fmtRate(b.rate)} calls/s)`,
      );
    }
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

  /**
   * An attempt of `operation` sent at `sentAt` (this limiter's clock) was throttled:
   * halve the operation's rate and drain its tokens, unless the rate was already lowered
   * after that attempt was sent (concurrent attempts throttled together count once).
   */
  throttled(operation: string, sentAt: number, error: string): void {
    if (this.options.disabled) return;
    this.throttles.set(operation, (this.throttles.get(operation) ?? 0) + 1);
    if (this.options.adaptive === false) return;
    const b = this.#bucket(operation);
    b.successes = 0;
    if (sentAt < b.loweredAt) return;
    const now = this.now();
    this.#refill(b, now);
    const floor = Math.min(AIMD.floor, b.quota.rate);
    const before = b.rate;
    b.ceiling = before;
    this.#setRate(b, Math.max(floor, b.rate * AIMD.decrease));
    b.tokens = Math.min(b.tokens, 0);
    b.loweredAt = now;
    b.lowered++;
    const text = `Connect throttled ${operation} (${error}): pacing it at ${
      fmtRate(b.rate)
    } calls/s, down from ${fmtRate(before)}`;
    if (b.lowered === 1) this.options.log?.info(text);
    else this.options.log?.debug(text);
  }

  /** An attempt of `operation` succeeded: a run of them raises a lowered rate a little. */
  succeeded(operation: string): void {
    if (this.options.disabled || this.options.adaptive === false) return;
    const b = this.#bucket(operation);
    if (b.rate >= b.quota.rate) return;
    if (++b.successes < AIMD.successRun) return;
    b.successes = 0;
    this.#refill(b, this.now());
    // Quickly back to just under the rate that was throttled, slowly past it.
    const near = b.ceiling * AIMD.near;
    const next = b.rate < near
      ? Math.min(near, b.rate + b.quota.rate * AIMD.increase)
      : b.rate + b.quota.rate * AIMD.probe;
    this.#setRate(b, Math.min(b.quota.rate, next));
    this.options.log?.debug(`${operation}: pacing raised to ${fmtRate(b.rate)} calls/s`);
  }

  /** The burst shrinks with the rate, so an idle bucket cannot fire a full burst. */
  #setRate(b: Bucket, rate: number): void {
    b.rate = rate;
    b.burst = Math.max(1, Math.floor(b.quota.burst * rate / b.quota.rate));
    b.tokens = Math.min(b.tokens, b.burst);
  }

  /** Aborted by `abandon()`: calls in flight reject at once (lib/aws/calls.ts, http.ts). */
  get abandoned(): AbortSignal {
    return this.#abandon.signal;
  }

  /** Closes the limiter and gives up every call in flight (an interrupt's grace ran out). */
  abandon(): void {
    this.close();
    this.#abandon.abort(new InterruptedError("abandoned"));
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

/** What a call in flight is doing, for the stall warning. */
export interface PendingCall {
  operation: string;
  started: number;
  phase: "quota" | "sent" | "backoff";
  /** The error of the last failed attempt, during a backoff. */
  lastError?: string;
}

/**
 * When a call has been pending `threshold` ms and nothing was logged for as long, says what the
 * run waits on, so a quiet terminal is not mistaken for a hang. Its timer never keeps the
 * process alive.
 */
export class CallWatch {
  readonly #pending = new Set<PendingCall>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastWarning = -Infinity;

  constructor(private readonly log: AwsLog, private readonly threshold = 10_000) {}

  start(operation: string): PendingCall {
    const call: PendingCall = { operation, started: performance.now(), phase: "quota" };
    this.#pending.add(call);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), Math.min(1000, this.threshold / 4));
      Deno.unrefTimer(this.#timer);
    }
    return call;
  }

  end(call: PendingCall): void {
    this.#pending.delete(call);
    if (this.#pending.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #tick(): void {
    const now = performance.now();
    const quietSince = Math.max(this.log.lastWrite?.() ?? -Infinity, this.#lastWarning);
    if (now - quietSince < this.threshold) return;
    let oldest: PendingCall | undefined;
    for (const c of this.#pending) if (!oldest || c.started < oldest.started) oldest = c;
    if (!oldest || now - oldest.started < this.threshold) return;
    const so = `(${Math.round((now - oldest.started) / 1000)} s so far)`;
    const op = oldest.operation;
    const throttled = oldest.lastError !== undefined && THROTTLING_ERRORS.has(oldest.lastError);
    this.log.warning(
      oldest.phase === "quota" || (oldest.phase === "backoff" && throttled)
        ? `Still waiting on the ${op} quota ${so}`
        : oldest.phase === "backoff"
        ? `Still retrying ${op} after ${oldest.lastError} ${so}`
        : `Still waiting for Amazon Connect to answer ${op} ${so}`,
    );
    this.#lastWarning = now;
  }
}
