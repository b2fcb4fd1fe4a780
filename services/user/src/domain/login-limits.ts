/** Failed-login counters, one per account and one per client, each over a fixed window. */
export interface FailureCounter {
  count: number;
  windowStartedAt: number;
}

/** Adds one failure, starting a new window when the old one has passed. */
export function recordFailure(current: FailureCounter | undefined, now: number, windowMs: number): FailureCounter {
  if (!current || now - current.windowStartedAt >= windowMs) return { count: 1, windowStartedAt: now };
  return { count: current.count + 1, windowStartedAt: current.windowStartedAt };
}

/** Seconds until the caller may try again, or 0 when it may try now. */
export function retryAfterSeconds(
  current: FailureCounter | undefined,
  max: number,
  now: number,
  windowMs: number,
): number {
  if (!current || current.count < max) return 0;
  const remaining = current.windowStartedAt + windowMs - now;
  return remaining > 0 ? Math.ceil(remaining / 1000) : 0;
}
