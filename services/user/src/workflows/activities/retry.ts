import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The JS SDK has no activity retry policies, so activities retry transient failures themselves
 * (on top of Dapr's resiliency policy for the call), then give up and let the saga compensate.
 */
export async function withRetries<T>(run: () => Promise<T>, attempts = 4, firstDelayMs = 250): Promise<T> {
  let delay = firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts) throw err;
      await sleep(delay);
      delay *= 2;
    }
  }
}
