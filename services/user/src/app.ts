import type { DaprWorkflowClient } from '@dapr/dapr';
import {
  createApp,
  type DaprClient,
  type Logger,
  type Metric,
  pingDatabase,
  requireSidecar,
  type TokenVerifier,
} from '@soulchat/platform';
import type Koa from 'koa';
import type { Kysely } from 'kysely';
import type { Config } from './config.ts';
import type { Database } from './db/schema.ts';
import { authRoutes } from './routes/auth/routes.ts';
import { internalRoutes } from './routes/internal/routes.ts';
import { meRoutes } from './routes/me/routes.ts';
import { createLoginGuard } from './security/login-guard.ts';
import type { KeyRing } from './security/signing-keys.ts';

export interface Deps {
  config: Config;
  log: Logger;
  db: Kysely<Database>;
  dapr: DaprClient;
  keys: KeyRing;
  verifier: TokenVerifier;
  workflows: DaprWorkflowClient;
  metrics?: Metric[];
}

export function buildApp(deps: Deps): Koa {
  const { config, db } = deps;
  const service = config.SERVICE_NAME;
  const sessions = {
    db,
    keys: deps.keys,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
  };
  const guard = createLoginGuard(deps.dapr, {
    maxPerAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    maxPerClient: config.LOGIN_MAX_FAILURES_PER_CLIENT,
    windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
  });
  const registration = {
    db,
    workflows: deps.workflows,
    waitMs: config.REGISTRATION_WAIT_MS,
    retryDelaysMs: config.REGISTRATION_RETRY_DELAYS_MS,
  };
  return createApp({
    service,
    log: deps.log,
    metrics: deps.metrics ?? [],
    readiness: [
      { name: 'database', check: () => pingDatabase(db) },
      { name: 'sidecar', check: () => deps.dapr.healthz() },
    ],
    routes: [
      ...authRoutes({ service, sessions, registration, keys: deps.keys, guard }),
      ...meRoutes(service, db),
      ...internalRoutes(deps.keys),
    ],
    guards: { user: deps.verifier.requireUser, sidecar: requireSidecar(config.APP_API_TOKEN) },
  });
}
