import Router from '@koa/router';
import {
  createApp,
  type Metric,
  mountSubscriptions,
  openApiRouter,
  pingDatabase,
  type Subscription,
  type TokenVerifier,
} from '@soulchat/platform';
import type Koa from 'koa';
import type { Presence } from './events/presence.ts';
import { conversationsRouter } from './routes/conversations/routes.ts';
import { internalRouter } from './routes/internal/routes.ts';
import { messagesRouter } from './routes/messages/routes.ts';
import { chatOpenApi } from './routes/openapi.ts';
import type { ChatDeps } from './use-cases/deps.ts';

export interface AppDeps extends ChatDeps {
  verifier: TokenVerifier;
  presence: Presence;
  subscriptions: Subscription[];
  metrics?: Metric[];
}

export function buildApp(deps: AppDeps): Koa {
  const events = new Router();
  mountSubscriptions(events, deps.subscriptions, deps.config.APP_API_TOKEN);
  return createApp({
    service: deps.config.SERVICE_NAME,
    log: deps.log,
    metrics: deps.metrics ?? [],
    // Bulk event deliveries from the sidecar carry up to fanoutBulkMessages events.
    eventJsonLimit: '8mb',
    readiness: [
      { name: 'database', check: () => pingDatabase(deps.db) },
      { name: 'sidecar', check: () => deps.dapr.healthz() },
    ],
    routers: [
      events,
      conversationsRouter(deps, deps.verifier),
      messagesRouter(deps, deps.verifier, deps.presence),
      internalRouter(deps, deps.presence, deps.config.APP_API_TOKEN),
      openApiRouter(chatOpenApi),
    ],
  });
}
