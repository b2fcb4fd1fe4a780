import path from 'node:path';
import {
  appIds,
  closeServer,
  components,
  createDaprClient,
  createDatabase,
  createLogger,
  createTokenVerifier,
  domainCounter,
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
import { startDeliveryWorker } from './delivery/worker.ts';

const config = readConfig();
const telemetry = startTelemetry(config);
const log = createLogger(config.SERVICE_NAME, config.LOG_LEVEL);
const db = createDatabase<Database>({ url: config.DATABASE_URL, poolSize: 10 });
const dapr = createDaprClient({ httpPort: config.DAPR_HTTP_PORT, apiToken: config.DAPR_API_TOKEN });
const applied = await migrateToLatest(db, path.join(import.meta.dirname, 'db/migrations'));
log.info({ migrations: applied }, 'database migrated');

const verifier = createTokenVerifier({
  issuer: tokenIssuer,
  audience: tokenAudience,
  loadJwks: () => dapr.invoke(appIds.user, '.well-known/jwks.json'),
});
const sends = domainCounter('soulchat_notifications_sent_total', 'Email and SMS send attempts by channel and outcome', [
  'channel',
  'outcome',
]);
const relay = startOutboxRelay({ db, dapr, pubsub: components.pubsub, log, intervalMs: 200 });
const worker = startDeliveryWorker({
  db,
  dapr,
  log,
  maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
  retryBaseMs: config.DELIVERY_RETRY_BASE_MS,
  pollMs: config.DELIVERY_POLL_MS,
  onSent: (channel, outcome) => sends.inc({ channel, outcome }),
});
const nudge = () => {
  void relay.flush().catch((err: unknown) => log.warn({ err }, 'outbox flush failed'));
  worker.nudge();
};

const app = buildApp({ config, log, db, dapr, nudge, verifier, metrics: [sends, ...outboxMetrics(db)] });
const server = await listen(app, config.PORT);
log.info({ port: config.PORT }, 'listening');
// Stop taking events, let the relay and the sends in flight finish, then close the pool they use.
onShutdown(log, config.SHUTDOWN_GRACE_MS, [
  closeServer(server),
  () => relay.stop(),
  () => worker.stop(),
  () => db.destroy(),
  () => telemetry.shutdown(),
]);
