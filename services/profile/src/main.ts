import path from 'node:path';
import { components, outboxMetrics, startOutboxRelay, startService } from '@soulchat/platform';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import type { Database } from './db/schema.ts';

const config = readConfig();
const { log, db, dapr, verifier, serve } = await startService<Database>(config, {
  migrations: path.join(import.meta.dirname, 'db/migrations'),
  inbox: true,
});
const relay = startOutboxRelay({ db, dapr, pubsub: components.pubsub, log });
const app = buildApp({
  service: config.SERVICE_NAME,
  log,
  db,
  dapr,
  verifier: verifier(),
  appApiToken: config.APP_API_TOKEN,
  searchPer10s: config.SEARCH_PER_10S,
  metrics: outboxMetrics(db),
});
// Stop taking requests, then let the relay finish its pass, before the pool both use closes.
await serve(app, [() => relay.stop()]);
