import path from 'node:path';
import {
  closeServer,
  createDaprClient,
  createDatabase,
  createLogger,
  listen,
  migrateToLatest,
  onShutdown,
  startTelemetry,
} from '@soulchat/platform';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import type { Database } from './db/schema.ts';

const config = readConfig();
const telemetry = startTelemetry(config);
const log = createLogger(config.SERVICE_NAME, config.LOG_LEVEL);
const db = createDatabase<Database>({ url: config.DATABASE_URL });
const dapr = createDaprClient({ httpPort: config.DAPR_HTTP_PORT, apiToken: config.DAPR_API_TOKEN });

const applied = await migrateToLatest(db, path.join(import.meta.dirname, 'db/migrations'));
log.info({ migrations: applied }, 'database migrated');

const server = await listen(buildApp({ service: config.SERVICE_NAME, log, db, dapr }), config.PORT);
log.info({ port: config.PORT }, 'listening');
onShutdown(log, config.SHUTDOWN_GRACE_MS, [closeServer(server), () => db.destroy(), () => telemetry.shutdown()]);
