import { createApp, type DaprClient, type Logger, pingDatabase } from '@soulchat/platform';
import type Koa from 'koa';
import type { Kysely } from 'kysely';
import type { Database } from './db/schema.ts';
import { noteRoutes } from './routes/notes/routes.ts';

export interface Deps {
  service: string;
  log: Logger;
  db: Kysely<Database>;
  dapr: DaprClient;
}

export function buildApp(deps: Deps): Koa {
  return createApp({
    service: deps.service,
    log: deps.log,
    readiness: [
      { name: 'database', check: () => pingDatabase(deps.db) },
      { name: 'sidecar', check: () => deps.dapr.healthz() },
    ],
    routes: noteRoutes(deps.service, deps.db),
  });
}
