import type { Server } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { Metric } from 'prom-client';
import { errorMiddleware } from './errors.ts';
import { eventsHandled } from './events.ts';
import { mountHealth, type ReadinessCheck } from './health.ts';
import type { Logger } from './logger.ts';
import { createHttpMetrics } from './metrics.ts';
import { type OpenApiDocument, openApiDocument, openApiRouter, subscriptionRoutes } from './openapi.ts';
import { requestSpan } from './request-span.ts';
import { type Route, type RouteGuards, routesRouter } from './routes.ts';
import { mountSubscriptions, type Subscription } from './subscriptions.ts';

export interface AppOptions {
  service: string;
  log: Logger;
  readiness: ReadinessCheck[];
  /**
   * The service's API, each route declared once (routes.ts): mounted with its guard and input
   * checks, and with the event routes listed in the OpenAPI document the app serves.
   */
  routes?: Route[];
  /** The guards of `user` and `sidecar` routes; the sidecar one also guards event deliveries. */
  guards?: RouteGuards;
  /** Topics the sidecar delivers to this app (mountSubscriptions). */
  subscriptions?: Subscription[];
  /** Routers with no API document (test fixtures); services declare `routes`. */
  routers?: Router[];
  jsonLimit?: string;
  /**
   * The limit for the sidecar's event deliveries (paths under /events/): a bulk delivery carries
   * many events in one body. Clients never reach these paths (the ingress routes none of them).
   */
  eventJsonLimit?: string;
  /** Domain metrics served at /metrics beside the HTTP ones. */
  metrics?: Metric[];
}

const documents = new WeakMap<Koa, OpenApiDocument>();

/** The OpenAPI document an app built from `routes` serves at /openapi.json. */
export const openApiDocumentOf = (app: Koa): OpenApiDocument | undefined => documents.get(app);

/** The routers of the service's API: its routes, its event deliveries and its document. */
function apiRouters(options: AppOptions): { routers: Router[]; document?: OpenApiDocument } {
  const { routes = [], guards = {}, subscriptions = [] } = options;
  if (routes.length === 0 && subscriptions.length === 0) return { routers: [] };
  const events = new Router();
  if (subscriptions.length > 0) {
    if (!guards.sidecar) throw new Error('an app with subscriptions needs the sidecar guard');
    mountSubscriptions(events, subscriptions, guards.sidecar);
  }
  const document = openApiDocument(options.service, [...routes, ...subscriptionRoutes(subscriptions)]);
  return { routers: [events, routesRouter(routes, guards), openApiRouter(document)], document };
}

/** The Koa app every service shares: errors, metrics, JSON (and CloudEvents) bodies, health. */
export function createApp(options: AppOptions): Koa {
  const app = new Koa();
  // Clients reach services only through Envoy and the sidecars, so the socket peer is always a
  // proxy on 127.0.0.1; the client address is the one Envoy puts in X-Forwarded-For.
  app.proxy = true;
  const metrics = createHttpMetrics(options.service, [eventsHandled, ...(options.metrics ?? [])]);
  const ops = new Router();
  mountHealth(ops, options.readiness);
  ops.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  app.use(requestSpan(options.service));
  app.use(metrics.middleware);
  app.use(errorMiddleware(options.log));
  const parser = (jsonLimit: string) =>
    bodyParser({
      enableTypes: ['json'],
      // DELETE may carry a body (e.g. the password confirming an account deletion).
      parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
      jsonLimit,
      extendTypes: { json: ['application/json', 'application/cloudevents+json'] },
    });
  const bodies = parser(options.jsonLimit ?? '256kb');
  const events = options.eventJsonLimit ? parser(options.eventJsonLimit) : bodies;
  app.use((ctx, next) => (ctx.path.startsWith('/events/') ? events : bodies)(ctx, next));
  app.use(ops.routes());
  const api = apiRouters(options);
  if (api.document) documents.set(app, api.document);
  for (const router of [...api.routers, ...(options.routers ?? [])])
    app.use(router.routes()).use(router.allowedMethods({ throw: true }));
  app.on('error', (err: Error) => options.log.warn({ err }, 'koa error'));
  return app;
}

export async function listen(app: Koa, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '127.0.0.1', () => resolve(server));
    // Keep idle connections longer than the proxies in front (Envoy, sidecars: 60 s), so a
    // proxy never reuses a connection this server is closing at that moment.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.once('error', reject);
  });
}

/** Ordered shutdown on SIGTERM/SIGINT: stop accepting, run the closers, force-exit after grace. */
export function onShutdown(log: Logger, graceMs: number, closers: Array<() => Promise<void>>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown grace period exceeded, forcing exit');
      process.exit(1);
    }, graceMs).unref();
    for (const close of closers) {
      try {
        await close();
      } catch (err) {
        log.error({ err }, 'error during shutdown');
      }
    }
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

export function closeServer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
}
