import {
  attachMedia,
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
import { createProfileCache } from './cache/profile-cache.ts';
import type { Database } from './db/schema.ts';
import { userDeletedSubscription } from './events/user-deleted.ts';
import { internalRoutes } from './routes/internal/routes.ts';
import { profilesRoutes } from './routes/profiles/routes.ts';
import { relationsRoutes } from './routes/relations/routes.ts';
import type { UseCaseDeps } from './usecases/deps.ts';

export interface Deps {
  service: string;
  log: Logger;
  db: Kysely<Database>;
  dapr: DaprClient;
  /** Checks access tokens on the public routes; tests pass one trusting their own key. */
  verifier: TokenVerifier;
  /** Required: the internal and event routes accept only the sidecar, which sends it. */
  appApiToken: string;
  /** People searches allowed per user in 10 s (SEARCH_PER_10S). */
  searchPer10s?: number;
  metrics?: Metric[];
}

export function buildApp(deps: Deps): Koa {
  const useCases: UseCaseDeps = {
    service: deps.service,
    log: deps.log,
    db: deps.db,
    cache: createProfileCache(deps.dapr, deps.log),
    attachAvatar: async (userId, mediaId) => {
      await attachMedia(deps.dapr, deps.log, { mediaId, ownerId: userId, avatar: true });
    },
  };
  return createApp({
    service: deps.service,
    log: deps.log,
    metrics: deps.metrics ?? [],
    readiness: [
      { name: 'database', check: () => pingDatabase(deps.db) },
      { name: 'sidecar', check: () => deps.dapr.healthz() },
    ],
    routes: [
      ...profilesRoutes(useCases, deps.searchPer10s ?? 30),
      ...relationsRoutes(useCases),
      ...internalRoutes(useCases),
    ],
    guards: { user: deps.verifier.requireUser, sidecar: requireSidecar(deps.appApiToken) },
    subscriptions: [userDeletedSubscription(useCases)],
  });
}
