/**
 * Per-operation token buckets at the service's default quotas (model.ts: the generic
 * 2/s burst 5, and the operations Service Quotas raises to 10/s), or at an override for
 * one operation.
 *
 * Connect throttles per account and Region per API, not per instance, so the
 * buckets are keyed by (signing region, operation) and shared by all instances.
 *
 * An account's applied quotas "might be lower" or raised, one operation at a
 * time (docs/live-service.md §6), hence overrides. They are absolute: `scale` models
 * an account raised across the board and applies to the defaults only, so an
 * override means the same bucket whatever the scale. They also hold with
 * quotas off, which then throttles the overridden operations alone.
 */
import { GENERIC_RATE_QUOTA, RAISED_RATE_QUOTAS } from "./model.ts";
import { OPERATIONS } from "./routes.ts";

export interface Quota {
  rate: number;
  burst: number;
}

/** An override as given: a missing burst is one second's worth, at least 1. */
export interface QuotaOverride {
  rate: number;
  burst?: number;
}

/** Checks an override and fills in its burst; the message names what is wrong. */
export function resolveOverride(operation: string, q: QuotaOverride): Quota {
  if (!OPERATIONS.has(operation)) {
    throw new RangeError(`unknown operation ${JSON.stringify(operation)}`);
  }
  if (!Number.isFinite(q.rate) || q.rate <= 0) {
    throw new RangeError(`${operation}: rate must be a number > 0, got ${q.rate}`);
  }
  const burst = q.burst ?? Math.max(1, q.rate);
  // Below one token a bucket never lets a call through.
  if (!Number.isFinite(burst) || burst < 1) {
    throw new RangeError(`${operation}: burst must be a number >= 1, got ${burst}`);
  }
  return { rate: q.rate, burst };
}

const NUMBER = /^\d+(?:\.\d+)?$/;

/** Parses `Operation=RATE[/BURST]` (the emulator's `--quota`); throws RangeError. */
export function parseQuotaOverride(text: string): [string, Quota] {
  const m = /^([^=]*)=([^/]*)(?:\/(.*))?$/.exec(text);
  if (!m) throw new RangeError(`expected Operation=RATE[/BURST], got ${JSON.stringify(text)}`);
  const [, operation = "", rate = "", burst] = m;
  for (const n of burst === undefined ? [rate] : [rate, burst]) {
    if (!NUMBER.test(n)) {
      throw new RangeError(
        `expected Operation=RATE[/BURST] with numbers, got ${JSON.stringify(text)}`,
      );
    }
  }
  return [
    operation,
    resolveOverride(operation, {
      rate: Number(rate),
      burst: burst === undefined ? undefined : Number(burst),
    }),
  ];
}

/** Default quota of an operation: its raised one if Service Quotas lists one, else generic. */
export function defaultQuota(operation: string): Quota {
  const q = Object.hasOwn(RAISED_RATE_QUOTAS, operation)
    ? RAISED_RATE_QUOTAS[operation]!
    : GENERIC_RATE_QUOTA;
  return { rate: q.rate, burst: q.burst };
}

class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly rate: number, private readonly burst: number, now: number) {
    this.tokens = burst;
    this.last = now;
  }
  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

export interface ThrottlerOptions {
  /** Enforce the default buckets (overrides apply either way). */
  enabled: boolean;
  /** Multiplies every default rate and burst (docs/emulator.md `--quota-scale`), not overrides. */
  scale?: number;
  overrides?: Record<string, QuotaOverride>;
  clock?: () => number;
}

export class Throttler {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly enabled: boolean;
  private readonly scale: number;
  private readonly overrides: Map<string, Quota>;
  private readonly clock: () => number;

  /** Throws RangeError on a bad override, so a caller learns of it at start. */
  constructor(options: ThrottlerOptions) {
    this.enabled = options.enabled;
    this.scale = options.scale ?? 1;
    this.clock = options.clock ?? (() => performance.now());
    this.overrides = new Map(
      Object.entries(options.overrides ?? {}).map(([op, q]) => [op, resolveOverride(op, q)]),
    );
  }

  /** Takes one token for the call; false means the call must be throttled. */
  allow(region: string, operation: string): boolean {
    const override = this.overrides.get(operation);
    if (!this.enabled && !override) return true;
    const key = `${region}\u0000${operation}`;
    let bucket = this.buckets.get(key);
    const now = this.clock();
    if (!bucket) {
      const q = override ?? defaultQuota(operation);
      const scale = override ? 1 : this.scale;
      bucket = new TokenBucket(q.rate * scale, Math.max(1, q.burst * scale), now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }
}
