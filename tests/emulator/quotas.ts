/**
 * Per-operation token buckets at the defaults of CONNECT_API.md §8.2.
 *
 * Connect throttles per account and Region per API, not per instance, so the
 * buckets are keyed by (signing region, operation) and shared by all instances.
 */

/** Rate 10/s operations. Their burst is UNVERIFIED (§10.1); we use 10. */
const FAST_OPERATIONS = new Set([
  "ListQuickConnects",
  "DescribeQuickConnect",
  "ListUsers",
  "DescribeUser",
  "ListQueues",
  "ListQueueQuickConnects",
]);

export interface Quota {
  rate: number;
  burst: number;
}

/** Default quota of an operation: 10/10 for the fast ones, else the generic 2/s burst 5. */
export function defaultQuota(operation: string): Quota {
  return FAST_OPERATIONS.has(operation) ? { rate: 10, burst: 10 } : { rate: 2, burst: 5 };
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

export class Throttler {
  private readonly buckets = new Map<string, TokenBucket>();

  /** `scale` multiplies every rate and burst (DESIGN.md `--quota-scale`). */
  constructor(
    private readonly enabled: boolean,
    private readonly scale = 1,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Takes one token for the call; false means the call must be throttled. */
  allow(region: string, operation: string): boolean {
    if (!this.enabled) return true;
    const key = `${region}\u0000${operation}`;
    let bucket = this.buckets.get(key);
    const now = this.clock();
    if (!bucket) {
      const q = defaultQuota(operation);
      bucket = new TokenBucket(q.rate * this.scale, Math.max(1, q.burst * this.scale), now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }
}
