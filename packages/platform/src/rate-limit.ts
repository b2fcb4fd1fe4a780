/**
 * Token buckets: `capacity` requests, refilled evenly over `windowMs`. `take` is pure (the caller
 * passes the clock); `createRateLimiter` keeps one bucket per key (a user, a connection) in memory.
 */
export interface Bucket {
  tokens: number;
  updatedAt: number;
}

export function take(
  bucket: Bucket,
  now: number,
  capacity: number,
  windowMs: number,
): { allowed: boolean; bucket: Bucket } {
  const refilled = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) * capacity) / windowMs);
  if (refilled < 1) return { allowed: false, bucket: { tokens: refilled, updatedAt: now } };
  return { allowed: true, bucket: { tokens: refilled - 1, updatedAt: now } };
}

export interface RateLimiterOptions {
  capacity: number;
  windowMs: number;
  /** Keys remembered at most; the oldest are forgotten first (a forgotten key starts full). */
  maxKeys?: number;
  now?: () => number;
}

/**
 * Per-key limits in this process (each replica counts its own: a limit of N is N per replica).
 * Answers how long to wait when a key is over its limit.
 */
export function createRateLimiter(options: RateLimiterOptions) {
  const buckets = new Map<string, Bucket>();
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  return {
    /** Undefined when allowed, else the whole seconds until one more request is. */
    check(key: string): number | undefined {
      const at = now();
      const result = take(
        buckets.get(key) ?? { tokens: options.capacity, updatedAt: at },
        at,
        options.capacity,
        options.windowMs,
      );
      buckets.delete(key);
      buckets.set(key, result.bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      if (result.allowed) return undefined;
      return Math.max(1, Math.ceil(((1 - result.bucket.tokens) * options.windowMs) / options.capacity / 1000));
    },
  };
}
