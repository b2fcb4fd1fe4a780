import path from 'node:path';
import { startService } from '@soulchat/platform';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import type { Database } from './db/schema.ts';

const config = readConfig();
const { log, db, dapr, serve } = await startService<Database>(config, {
  migrations: path.join(import.meta.dirname, 'db/migrations'),
});
await serve(buildApp({ service: config.SERVICE_NAME, log, db, dapr }));
