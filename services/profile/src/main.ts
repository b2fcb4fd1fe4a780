import path from 'node:path';
import {
  appIds,
  closeServer,
  components,
  createDaprClient,
  createDatabase,
  createLogger,
  createTokenVerifier,
  listen,
  migrateToLatest,
  onShutdown,
  outboxMetrics,
  startOutboxRelay,
  startTelemetry,
  tokenAudience,
  tokenIssuer,
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

// The user service issues access tokens and publishes its keys; fetched on first use and on rotation.
const verifier = createTokenVerifier({
  issuer: tokenIssuer,
  audience: tokenAudience,
  loadJwks: () => dapr.invoke(appIds.user, '.well-known/jwks.json'),
});
const relay = startOutboxRelay({ db, dapr, pubsub: components.pubsub, log });

const app = buildApp({
  service: config.SERVICE_NAME,
  log,
  db,
  dapr,
  verifier,
  appApiToken: config.APP_API_TOKEN,
  metrics: outboxMetrics(db),
});
const server = await listen(app, config.PORT);
log.info({ port: config.PORT }, 'listening');
// Stop taking requests, then let the relay finish its pass, then close the pool both use.
onShutdown(log, config.SHUTDOWN_GRACE_MS, [
  closeServer(server),
  () => relay.stop(),
  () => db.destroy(),
  () => telemetry.shutdown(),
]);
