import { createApp, type Metric, pingDatabase, requireSidecar, type TokenVerifier } from '@soulchat/platform';
import type Koa from 'koa';
import { subscriptions } from './events/subscriptions.ts';
import { notificationRoutes } from './routes/notifications/routes.ts';
import type { NotificationDeps } from './use-cases/deps.ts';

export interface AppDeps extends NotificationDeps {
  /** Checks access tokens; tests pass one trusting their own key. */
  verifier: TokenVerifier;
  metrics?: Metric[];
}

export function buildApp(deps: AppDeps): Koa {
  return createApp({
    service: deps.config.SERVICE_NAME,
    log: deps.log,
    metrics: deps.metrics ?? [],
    readiness: [
      { name: 'database', check: () => pingDatabase(deps.db) },
      { name: 'sidecar', check: () => deps.dapr.healthz() },
    ],
    routes: notificationRoutes(deps),
    guards: { user: deps.verifier.requireUser, sidecar: requireSidecar(deps.config.APP_API_TOKEN) },
    subscriptions: subscriptions(deps),
  });
}
