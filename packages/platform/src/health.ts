import type Router from '@koa/router';

/** A named dependency check; it resolves when the dependency answers and throws otherwise. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

async function runCheck({ name, check }: ReadinessCheck, timeoutMs: number): Promise<[string, string]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs}ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return [name, 'ok'];
  } catch (err) {
    return [name, (err as Error).message];
  } finally {
    clearTimeout(timer);
  }
}

/** /healthz says the process is alive; /readyz says every dependency answers right now. */
export function mountHealth(router: Router, checks: ReadinessCheck[], timeoutMs = 2000): void {
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const results = Object.fromEntries(await Promise.all(checks.map((c) => runCheck(c, timeoutMs))));
    const ready = Object.values(results).every((r) => r === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', checks: results };
  });
}
