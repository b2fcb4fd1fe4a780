/**
 * A token bucket per connection: `capacity` frames, refilled evenly over `windowMs`.
 * Pure: the caller passes the clock.
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
