import type Koa from 'koa';
import type { Kysely } from 'kysely';
import { appIds, tokenAudience, tokenIssuer } from './apps.ts';
import { createTokenVerifier, type TokenVerifier } from './auth.ts';
import type { BaseConfig } from './config.ts';
import { createDaprClient, type DaprClient } from './dapr.ts';
import { createDatabase, migrateToLatest } from './db.ts';
import { type InboxDb, startInboxPruner } from './inbox.ts';
import { createLogger, type Logger } from './logger.ts';
import { setResponseChecks } from './routes.ts';
import { closeServer, listen, onShutdown } from './server.ts';
import { startTelemetry, type Telemetry } from './telemetry.ts';

export interface ServiceBase<DB> {
  log: Logger;
  db: Kysely<DB>;
  dapr: DaprClient;
  telemetry: Telemetry;
  /** Verifies access tokens against the user service's keys, fetched through Dapr. */
  verifier: () => TokenVerifier;
  /** Listens, then on SIGTERM stops taking requests, runs `closers` in order, closes the pool. */
  serve(app: Koa, closers?: Array<() => Promise<void>>): Promise<void>;
}

/** A service with no database of its own (the web app's server): telemetry, logger, sidecar client. */
export interface StatelessServiceBase {
  log: Logger;
  dapr: DaprClient;
  telemetry: Telemetry;
  /** Listens, then on SIGTERM stops taking requests and runs `closers` in order. */
  serve(app: Koa, closers?: Array<() => Promise<void>>): Promise<void>;
}

export function startStatelessService(config: BaseConfig, instance?: string): StatelessServiceBase {
  setResponseChecks(config.CHECK_RESPONSES);
  const telemetry = startTelemetry(config, instance);
  const root = createLogger(config.SERVICE_NAME, config.LOG_LEVEL);
  const log = instance ? root.child({ instance }) : root;
  const dapr = createDaprClient({ httpPort: config.DAPR_HTTP_PORT, apiToken: config.DAPR_API_TOKEN });
  return {
    log,
    dapr,
    telemetry,
    async serve(app, closers = []) {
      const server = await listen(app, config.PORT);
      log.info({ port: config.PORT }, 'listening');
      onShutdown(log, config.SHUTDOWN_GRACE_MS, [closeServer(server), ...closers, () => telemetry.shutdown()]);
    },
  };
}

/**
 * The start-up every service with a database shares, in order: telemetry (so every later step is
 * traced and logged with trace ids), logger, database pool and migrations, the sidecar client.
 */
export async function startService<DB>(
  config: BaseConfig & { DATABASE_URL: string },
  options: {
    migrations: string;
    instance?: string;
    poolSize?: number;
    /** The service consumes events with an inbox (processed_events): prune it hourly. */
    inbox?: boolean;
  },
): Promise<ServiceBase<DB>> {
  const base = startStatelessService(config, options.instance);
  const { log, dapr } = base;
  const db = createDatabase<DB>({
    url: config.DATABASE_URL,
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
  });
  const applied = await migrateToLatest(db, options.migrations);
  log.info({ migrations: applied }, 'database migrated');
  // A first pass at start: a service restarted more often than hourly still prunes.
  const pruner = options.inbox ? startInboxPruner({ db: db as unknown as Kysely<InboxDb>, log }) : undefined;
  void pruner?.prune();
  return {
    ...base,
    db,
    verifier: () =>
      createTokenVerifier({
        issuer: tokenIssuer,
        audience: tokenAudience,
        loadJwks: () => dapr.invoke(appIds.user, '.well-known/jwks.json'),
      }),
    serve: (app, closers = []) => base.serve(app, [async () => pruner?.stop(), ...closers, () => db.destroy()]),
  };
}
