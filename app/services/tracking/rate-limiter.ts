// Token buckets per key (visitor, IP), in process memory: a flood from one visitor or address is
// dropped before it reaches the database. Memory is bounded: the least recently seen keys go first.
export interface RateLimiterOptions {
  /** Sustained events per second per key. */
  ratePerSecond: number;
  /** Events a key may send at once. */
  burst: number;
  maxKeys?: number;
  now?: () => number;
}

export interface RateLimiter {
  /** Takes up to `count` tokens; returns how many were granted. */
  take(key: string, count: number): number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { ratePerSecond, burst, maxKeys = 100_000 } = options;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; updatedAt: number }>();
  return {
    take(key, count) {
      const time = now();
      const bucket = buckets.get(key) ?? { tokens: burst, updatedAt: time };
      buckets.delete(key);
      bucket.tokens = Math.min(burst, bucket.tokens + ((time - bucket.updatedAt) / 1000) * ratePerSecond);
      bucket.updatedAt = time;
      const granted = Math.max(0, Math.min(count, Math.floor(bucket.tokens)));
      bucket.tokens -= granted;
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
      return granted;
    },
  };
}
