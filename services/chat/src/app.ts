import {
  createApp,
  type Metric,
  pingDatabase,
  requireSidecar,
  type Subscription,
  type TokenVerifier,
} from '@soulchat/platform';
import type Koa from 'koa';
import type { Presence } from './events/presence.ts';
import { conversationRoutes } from './routes/conversations/routes.ts';
import { internalRoutes } from './routes/internal/routes.ts';
import { messageRoutes } from './routes/messages/routes.ts';
import type { ChatDeps } from './use-cases/deps.ts';

export interface AppDeps extends ChatDeps {
  verifier: TokenVerifier;
  presence: Presence;
  subscriptions: Subscription[];
  metrics?: Metric[];
}

export function buildApp(deps: AppDeps): Koa {
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
    // The WebSocket at /ws is an upgrade on the HTTP server, not a route (see README, WebSocket).
    routes: [
      ...conversationRoutes(deps),
      ...messageRoutes(deps, deps.presence),
      ...internalRoutes(deps, deps.presence),
    ],
    guards: { user: deps.verifier.requireUser, sidecar: requireSidecar(deps.config.APP_API_TOKEN) },
    subscriptions: deps.subscriptions,
  });
}
