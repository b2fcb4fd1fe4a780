import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from './logger.ts';
import { createApp, listen } from './server.ts';

test('readyz is 503 naming the failing dependency, and 200 once all answer', async () => {
  let databaseUp = false;
  const app = createApp({
    service: 'unit',
    log: createLogger('unit', 'silent'),
    readiness: [
      {
        name: 'database',
        check: async () => {
          if (!databaseUp) throw new Error('connection refused');
        },
      },
      { name: 'sidecar', check: async () => {} },
    ],
    routers: [],
  });
  const server = await listen(app, 0);
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  try {
    const down = await fetch(`${base}/readyz`);
    assert.equal(down.status, 503);
    assert.deepEqual(await down.json(), {
      status: 'not ready',
      checks: { database: 'connection refused', sidecar: 'ok' },
    });
    databaseUp = true;
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  } finally {
    server.close();
  }
});
