// Token buckets per key (address, shop, visitor), in process memory: a flood is refused before it
// reaches the database. A request is charged to several buckets at once and granted whole or refused
// whole (takeAll), never partly: the pixel does not resend events a 202 silently dropped. Memory is
// bounded: the least recently seen keys go first.
export interface RateLimiterOptions {
  /** Sustained events per second per key. */
  ratePerSecond: number;
  /** Events a key may send at once. */
  burst: number;
  maxKeys?: number;
  now?: () => number;
}

export interface RateLimiter {
  /** Seconds until `count` tokens are available to `key` (0: now; Infinity: more than the burst). Takes nothing. */
  waitSeconds(key: string, count: number): number;
  /** Takes `count` tokens from `key` (the caller checked waitSeconds in the same tick). */
  take(key: string, count: number): void;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { ratePerSecond, burst, maxKeys = 100_000 } = options;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; updatedAt: number }>();
  const refill = (key: string) => {
    const time = now();
    const bucket = buckets.get(key) ?? { tokens: burst, updatedAt: time };
    bucket.tokens = Math.min(burst, bucket.tokens + ((time - bucket.updatedAt) / 1000) * ratePerSecond);
    bucket.updatedAt = time;
    return bucket;
  };
  return {
    waitSeconds(key, count) {
      if (count > burst) return Number.POSITIVE_INFINITY;
      const bucket = refill(key);
      // Stored back so the refill is not computed twice; a key only checked is evicted like any other.
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
      return bucket.tokens >= count ? 0 : (count - bucket.tokens) / ratePerSecond;
    },
    take(key, count) {
      const bucket = refill(key);
      bucket.tokens -= count;
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
    },
  };
}

export interface Charge {
  limiter: RateLimiter;
  key: string;
  count: number;
}

/**
 * Grants every charge or none (synchronous, so no other request interleaves between the check and the
 * take). Charges to one limiter and key must be summed by the caller. Returns 0 when granted, else the
 * seconds until the whole request would be.
 */
export function takeAll(charges: Charge[]): number {
  let wait = 0;
  for (const { limiter, key, count } of charges) if (count > 0) wait = Math.max(wait, limiter.waitSeconds(key, count));
  if (wait > 0) return wait;
  for (const { limiter, key, count } of charges) if (count > 0) limiter.take(key, count);
  return 0;
}
