import type { Server } from 'node:http';
import path from 'node:path';
import {
  createDaprClient,
  createDatabase,
  createLogger,
  listen,
  migrateToLatest,
  setResponseChecks,
} from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { freshDatabase } from '../../../tests/harness/database.ts';
import { sharedStack } from '../../../tests/harness/stack.ts';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/db/schema.ts';

// As in the test stacks: every answer is checked against its route's documented schema.
setResponseChecks(true);
export interface TestContext {
  base: string;
  db: Kysely<Database>;
  close(): Promise<void>;
}

/** The skeleton app in-process on a fresh, migrated database, using the shared stack's sidecar. */
export async function startContext(): Promise<TestContext> {
  const fresh = await freshDatabase('skeleton_test');
  const db = createDatabase<Database>({ url: fresh.url, poolSize: 2 });
  await migrateToLatest(db, path.join(import.meta.dirname, '../src/db/migrations'));
  const sidecar = sharedStack().apps.find((a) => a.id === 'skeleton');
  if (!sidecar) throw new Error('the shared stack runs no skeleton app');
  const dapr = createDaprClient({ httpPort: sidecar.daprHttpPort, apiToken: sidecar.daprApiToken });
  const app = buildApp({ service: 'skeleton', log: createLogger('skeleton', 'silent'), db, dapr });
  const server: Server = await listen(app, 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    base: `http://127.0.0.1:${port}`,
    db,
    async close() {
      server.close();
      await db.destroy();
      await fresh.drop();
    },
  };
}
