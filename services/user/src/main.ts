import path from 'node:path';
import {
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
  superviseWorkflowRuntime,
  tokenAudience,
  tokenIssuer,
} from '@soulchat/platform';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import type { Database } from './db/schema.ts';
import { createKeyRing } from './security/signing-keys.ts';
import { createWorkflowClient, createWorkflowRuntime } from './workflows/runtime.ts';

const config = readConfig();
const telemetry = startTelemetry(config);
const service = config.SERVICE_NAME;
const log = createLogger(service, config.LOG_LEVEL);
const db = createDatabase<Database>({ url: config.DATABASE_URL });
const dapr = createDaprClient({ httpPort: config.DAPR_HTTP_PORT, apiToken: config.DAPR_API_TOKEN });

await migrateToLatest(db, path.join(import.meta.dirname, 'db/migrations'));
const keys = createKeyRing(db, config.ACCESS_TOKEN_TTL_SECONDS);
await keys.activeKey();
const verifier = createTokenVerifier({ issuer: tokenIssuer, audience: tokenAudience, loadJwks: () => keys.jwks() });
const sidecar = {
  daprHost: '127.0.0.1',
  daprPort: String(config.DAPR_GRPC_PORT),
  ...(config.DAPR_API_TOKEN ? { daprApiToken: config.DAPR_API_TOKEN } : {}),
};
const workflows = createWorkflowClient(sidecar);

const sagaOutcomes = domainCounter('soulchat_saga_outcomes_total', 'How registration sagas ended', ['outcome']);
const metrics = [sagaOutcomes, ...outboxMetrics(db)];
const server = await listen(buildApp({ config, log, db, dapr, keys, verifier, workflows, metrics }), config.PORT);
// The workflow worker gives up for good if its first connection fails: wait for the sidecar.
const worker = await superviseWorkflowRuntime({
  dapr,
  log,
  create: () =>
    createWorkflowRuntime({ db, dapr, log, service, outcome: (outcome) => sagaOutcomes.inc({ outcome }) }, sidecar),
});
const relay = startOutboxRelay({ db, dapr, pubsub: components.pubsub, log });
log.info({ port: config.PORT }, 'listening');

onShutdown(log, config.SHUTDOWN_GRACE_MS, [
  closeServer(server),
  () => worker.stop(),
  () => workflows.stop(),
  () => relay.stop(),
  () => db.destroy(),
  () => telemetry.shutdown(),
]);
