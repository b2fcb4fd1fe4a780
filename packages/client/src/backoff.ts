/** How long to wait before reconnect attempt `attempt` (0 first): exponential, capped, full jitter. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * Full jitter (a random wait between 0 and the exponential cap): clients that lost the same
 * server at the same moment spread their reconnects instead of arriving together.
 */
export function reconnectDelayMs(attempt: number, options = defaultBackoff, random = Math.random): number {
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}
