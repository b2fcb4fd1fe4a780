import path from 'node:path';
import { components, domainCounter, outboxMetrics, startOutboxRelay, startService } from '@soulchat/platform';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import type { Database } from './db/schema.ts';
import { startDeliveryWorker } from './delivery/worker.ts';
import { startRetention } from './use-cases/retention.ts';

const config = readConfig();
const { log, db, dapr, verifier, serve } = await startService<Database>(config, {
  migrations: path.join(import.meta.dirname, 'db/migrations'),
  inbox: true,
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
const retention = startRetention(
  db,
  log,
  {
    readDays: config.NOTIFICATION_READ_RETENTION_DAYS,
    allDays: config.NOTIFICATION_RETENTION_DAYS,
    tombstoneDays: config.DELETED_USER_TOMBSTONE_DAYS,
  },
  config.RETENTION_INTERVAL_MS,
);
const nudge = () => {
  void relay.flush().catch((err: unknown) => log.warn({ err }, 'outbox flush failed'));
  worker.nudge();
};

const app = buildApp({ config, log, db, dapr, nudge, verifier: verifier(), metrics: [sends, ...outboxMetrics(db)] });
// Stop taking events, let the relay and the sends in flight finish, before the pool they use closes.
await serve(app, [async () => retention.stop(), () => relay.stop(), () => worker.stop()]);
