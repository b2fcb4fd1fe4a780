import {
  createApp,
  type DaprClient,
  type Logger,
  pingDatabase,
  requireSidecar,
  type TokenVerifier,
} from '@soulchat/platform';
import type Koa from 'koa';
import type { Kysely } from 'kysely';
import type { Database } from './db/schema.ts';
import { mediaSubscriptions } from './events/subscriptions.ts';
import { fileRoutes } from './routes/files/routes.ts';
import { internalRoutes } from './routes/internal/routes.ts';
import { mediaRoutes } from './routes/media/routes.ts';
import type { ObjectStore } from './storage/object-store.ts';
import type { MediaDeps, MediaLimits } from './use-cases/deps.ts';

export interface Deps {
  service: string;
  log: Logger;
  db: Kysely<Database>;
  dapr: DaprClient;
  store: ObjectStore;
  verifier: TokenVerifier;
  appApiToken: string;
  linkKey: string;
  limits: MediaLimits;
  uploadsPerMinute: number;
}

export function buildApp(deps: Deps): Koa {
  const media: MediaDeps = {
    db: deps.db,
    dapr: deps.dapr,
    log: deps.log,
    store: deps.store,
    linkKey: deps.linkKey,
    limits: deps.limits,
  };
  return createApp({
    service: deps.service,
    log: deps.log,
    readiness: [
      { name: 'database', check: () => pingDatabase(deps.db) },
      { name: 'sidecar', check: () => deps.dapr.healthz() },
    ],
    routes: [...mediaRoutes(media, deps.uploadsPerMinute), ...fileRoutes(media), ...internalRoutes(media)],
    guards: { user: deps.verifier.requireUser, sidecar: requireSidecar(deps.appApiToken) },
    subscriptions: mediaSubscriptions(media),
  });
}
