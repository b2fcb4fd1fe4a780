import type { MediaDeps } from './deps.ts';
import { expireUnsent } from './remove.ts';

/**
 * Removes uploads no message took in time, at start and then every `everyMs`. Every instance
 * sweeps; removing is idempotent, so two sweeping at once only repeat a delete.
 */
export function startUnsentSweep(deps: MediaDeps, everyMs: number) {
  let running: Promise<void> = Promise.resolve();
  const pass = async () => {
    try {
      for (let removed = await expireUnsent(deps); removed > 0; removed = await expireUnsent(deps))
        deps.log.info({ removed }, 'removed uploads never sent');
    } catch (err) {
      deps.log.warn({ err }, 'unsent-upload sweep failed; the next pass retries');
    }
  };
  const tick = () => {
    running = pass();
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
