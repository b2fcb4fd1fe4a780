import path from 'node:path';
import {
  components,
  createTokenVerifier,
  domainCounter,
  outboxMetrics,
  startOutboxRelay,
  startService,
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
const service = config.SERVICE_NAME;
const { log, db, dapr, serve } = await startService<Database>(config, {
  migrations: path.join(import.meta.dirname, 'db/migrations'),
});
const keys = createKeyRing(db, {
  accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  leadSeconds: config.SIGNING_KEY_LEAD_SECONDS,
});
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
const app = buildApp({ config, log, db, dapr, keys, verifier, workflows, metrics });
const relay = startOutboxRelay({ db, dapr, pubsub: components.pubsub, log });
let worker: Awaited<ReturnType<typeof superviseWorkflowRuntime>> | undefined;
// Listen first: the sidecar reports healthy only once the app answers, and the worker waits for it.
await serve(app, [async () => worker?.stop(), () => workflows.stop(), () => relay.stop()]);
// The workflow worker gives up for good if its first connection fails: wait for the sidecar.
worker = await superviseWorkflowRuntime({
  dapr,
  log,
  create: () =>
    createWorkflowRuntime({ db, dapr, log, service, outcome: (outcome) => sagaOutcomes.inc({ outcome }) }, sidecar),
});
