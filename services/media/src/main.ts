import path from 'node:path';
import { startService } from '@soulchat/platform';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import { linkSigningKey } from './db/link-keys.repository.ts';
import type { Database } from './db/schema.ts';
import { createObjectStore } from './storage/object-store.ts';
import { startUnsentSweep } from './use-cases/sweep.ts';

const config = readConfig();
const { log, db, dapr, verifier, serve } = await startService<Database>(config, {
  migrations: path.join(import.meta.dirname, 'db/migrations'),
});
const limits = {
  maxUploadBytes: config.MAX_UPLOAD_BYTES,
  quotaBytes: config.QUOTA_BYTES,
  unsentTtlSeconds: config.UNSENT_TTL_SECONDS,
};
const deps = { log, db, dapr, store: createObjectStore(dapr, log), linkKey: await linkSigningKey(db), limits };
const sweep = startUnsentSweep(deps, config.SWEEP_SECONDS * 1000);
const app = buildApp({
  ...deps,
  service: config.SERVICE_NAME,
  verifier: verifier(),
  appApiToken: config.APP_API_TOKEN,
  uploadsPerMinute: config.UPLOADS_PER_MINUTE,
});
await serve(app, [() => sweep.stop()]);
