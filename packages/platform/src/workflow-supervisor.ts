import type { WorkflowRuntime } from '@dapr/dapr';
import type { DaprClient } from './dapr.ts';
import type { Logger } from './logger.ts';

export interface WorkflowSupervisorOptions {
  dapr: DaprClient;
  log: Logger;
  /** Builds a runtime with every workflow and activity registered. */
  create: () => WorkflowRuntime;
  intervalMs?: number;
}

/**
 * Keeps a workflow worker connected to its sidecar. The SDK's worker gives up for good when
 * its stream drops ("Worker failed", seen with daprd 1.18 and @dapr/dapr 3.18 when the sidecar
 * restarts), so when the sidecar reports no connected worker twice in a row, a new one starts.
 */
export async function superviseWorkflowRuntime(options: WorkflowSupervisorOptions) {
  const { dapr, log } = options;
  await dapr.waitUntilReady();
  let runtime = options.create();
  await runtime.start();
  let missedChecks = 0;
  let stopped = false;

  async function replace(): Promise<void> {
    log.warn('no workflow worker connected to the sidecar: starting a new one');
    await runtime.stop().catch(() => {});
    runtime = options.create();
    await runtime.start();
  }

  let checking = false;
  const timer = setInterval(async () => {
    if (checking || stopped) return;
    checking = true;
    try {
      const connected = await dapr.connectedWorkflowWorkers();
      missedChecks = connected > 0 ? 0 : missedChecks + 1;
      if (missedChecks >= 2) {
        missedChecks = 0;
        await replace();
      }
    } catch {
      // The sidecar itself is down: nothing to reconnect to yet.
    } finally {
      checking = false;
    }
  }, options.intervalMs ?? 2000);
  timer.unref();

  return {
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await runtime.stop().catch(() => {});
    },
  };
}
