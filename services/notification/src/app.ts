import Router from '@koa/router';
import {
  createApp,
  type Metric,
  mountSubscriptions,
  openApiRouter,
  pingDatabase,
  type TokenVerifier,
} from '@soulchat/platform';
import type Koa from 'koa';
import { subscriptions } from './events/subscriptions.ts';
import { notificationsRouter } from './routes/notifications/routes.ts';
import { notificationOpenApi } from './routes/openapi.ts';
import type { NotificationDeps } from './use-cases/deps.ts';

export interface AppDeps extends NotificationDeps {
  /** Checks access tokens; tests pass one trusting their own key. */
  verifier: TokenVerifier;
  metrics?: Metric[];
}

export function buildApp(deps: AppDeps): Koa {
  const events = new Router();
  mountSubscriptions(events, subscriptions(deps), deps.config.APP_API_TOKEN);
  return createApp({
    service: deps.config.SERVICE_NAME,
    log: deps.log,
    metrics: deps.metrics ?? [],
    readiness: [
      { name: 'database', check: () => pingDatabase(deps.db) },
      { name: 'sidecar', check: () => deps.dapr.healthz() },
    ],
    routers: [events, notificationsRouter(deps, deps.verifier), openApiRouter(notificationOpenApi)],
  });
}
