import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const port = z.number().int().min(1).max(65535);

/**
 * A path prefix an app serves to clients through the Envoy ingress. A bare string is a route that
 * needs an access token; `/internal` is refused because those routes are for sidecars only.
 */
export const publicRouteSchema = z
  .union([
    z.string(),
    z.object({
      prefix: z.string(),
      /** Served without an access token (register, login, JWKS...). */
      open: z.boolean().default(false),
      /** A bucket of ingress.rateLimits. */
      rateLimit: z.string().default('standard'),
      /** Proxied straight to the app's instances with the upgrade allowed, not through Dapr. */
      webSocket: z.boolean().default(false),
      /**
       * Files for browsers (the web app), proxied straight to the app's instances: no Dapr hop and
       * no Dapr API token sent along. `/` makes the app answer every path no other route claims.
       */
      static: z.boolean().default(false),
      /**
       * Request bodies stream straight to the app's instances, unbuffered and beyond the ingress's
       * maxRequestBytes (uploads): the app enforces its own size limit as the bytes arrive.
       */
      streamed: z.boolean().default(false),
    }),
  ])
  .transform((r) =>
    typeof r === 'string'
      ? { prefix: r, open: false, rateLimit: 'standard', webSocket: false, static: false, streamed: false }
      : r,
  )
  .refine((r) => r.prefix === '/' || /^\/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$/.test(r.prefix), {
    message: 'a public route prefix is / or starts with / and does not end with /',
  })
  .refine((r) => [r.webSocket, r.static, r.streamed].filter(Boolean).length <= 1, {
    message: 'a route is at most one of WebSocket, static or streamed',
  })
  .refine((r) => !/^\/internal(\/|$)/.test(r.prefix), { message: '/internal routes are never public' });

/**
 * An operation another app may invoke on this one through Dapr: `VERB /path`, where a `*`
 * segment stands for exactly one path segment (an id). The access-control policies of the
 * callee's sidecar are rendered from these (tools/stack/access-control.ts, the chart).
 */
export const operationSchema = z
  .string()
  .regex(/^(GET|POST|PUT|PATCH|DELETE|\*) \/[A-Za-z0-9._~*/-]*[A-Za-z0-9._~*-]$/, {
    message: 'an operation is "VERB /path" (a * segment is one path segment)',
  });

const appSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  workspace: z.string(),
  entry: z.string().default('src/main.ts'),
  /** Node apps run their TypeScript entry; a Go app (services/search) runs the binary setup.sh built. */
  runtime: z.enum(['node', 'go']).optional(),
  database: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .optional(),
  port,
  /** What the ingress exposes of this app; an app without any is not reachable from outside. */
  publicRoutes: z.array(publicRouteSchema).optional(),
  /** Which other app may invoke which operations of this one (besides the ingress: publicRoutes); default deny. */
  callers: z.record(z.string(), z.array(operationSchema)).default({}),
  dapr: z.object({
    httpPort: port,
    grpcPort: port,
    internalGrpcPort: port,
    metricsPort: port,
    /** The sidecar's request body limit (daprd --max-body-size, dapr.io/max-body-size), e.g. 48Mi; Dapr's default is 4Mi. */
    maxBodySize: z
      .string()
      .regex(/^[1-9][0-9]*(Ki|Mi|Gi)$/)
      .optional(),
  }),
  /** Settings for this app on one machine (npm start, tests, Tilt); Helm values set their own. */
  env: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string()).default({}),
  /** Instances of the app, each with its own sidecar; instance i listens on every port + 10*i. */
  replicas: z.number().int().min(1).max(8).default(1),
  /** Set per instance by expandReplicas: the process and pod name, e.g. chat-2. */
  instance: z.string().optional(),
});

const tokenBucket = z.object({
  maxTokens: z.number().int().min(1),
  tokensPerFill: z.number().int().min(1),
  fillInterval: z.string().regex(/^\d+(ms|s|m)$/),
});

/** The Envoy ingress: listener, admin, its own daprd, and the edge policies (see README, Ingress). */
const ingressSchema = z.object({
  address: z.string().default('127.0.0.1'),
  port,
  adminPort: port,
  dapr: z.object({ httpPort: port, grpcPort: port, internalGrpcPort: port, metricsPort: port }),
  /** Proxies in front of Envoy whose X-Forwarded-For entries are trusted (0: the socket peer is the client). */
  xffTrustedHops: z.number().int().min(0).default(0),
  maxRequestBytes: z.number().int().min(1024),
  routeTimeoutSeconds: z.number().int().min(1),
  webSocketIdleSeconds: z.number().int().min(1),
  drainSeconds: z.number().int().min(0),
  auth: z.object({
    jwksApp: z.string(),
    jwksPath: z.string(),
    userIdHeader: z.string().regex(/^x-[a-z0-9-]+$/),
    jwksCacheSeconds: z.number().int().min(1),
  }),
  rateLimits: z.record(z.string(), tokenBucket).refine((r) => 'standard' in r, { message: 'a standard rate limit' }),
  cors: z.object({ allowOriginRegexes: z.array(z.string()), maxAgeSeconds: z.number().int().min(0) }),
});

/** Jaeger and Prometheus, started beside the stack with --observability (tools/stack/observability.ts). */
const observabilitySchema = z.object({
  jaeger: z.object({
    otlpGrpcPort: port,
    otlpHttpPort: port,
    /** Query HTTP API and UI (/api/traces, /api/v3/...). */
    queryPort: port,
    queryGrpcPort: port,
    /** Jaeger's own Prometheus metrics (spans received, refused, stored). */
    metricsPort: port,
    /** The in-memory store keeps this many traces, then drops the oldest. */
    maxTraces: z.number().int().min(100),
  }),
  prometheus: z.object({
    port,
    scrapeIntervalSeconds: z.number().int().min(1).default(5),
    /** How long the local TSDB keeps samples (Prometheus duration). */
    retention: z
      .string()
      .regex(/^\d+[smhdwy]$/)
      .default('2d'),
  }),
});

const topologySchema = z.object({
  profile: z.string(),
  daprConfig: z.string(),
  resiliency: z.string(),
  infrastructure: z.object({
    redis: z.object({ port }),
    mariadb: z.object({ port }),
    /** Local stand-ins for an SMTP relay and an SMS provider (tools/stack/sinks.ts). */
    mailSink: z.object({ port }),
    smsSink: z.object({ port }),
    kafka: z.object({ port, controllerPort: port, partitions: z.number().int().min(1) }),
    placement: z.object({ port, healthzPort: port, metricsPort: port, raftPort: port }),
    scheduler: z.object({ port, healthzPort: port, metricsPort: port, etcdClientPort: port, etcdPeerPort: port }),
    /** Dapr's certificate authority: issues the sidecars' and the control plane's mTLS certificates. */
    sentry: z.object({ port, healthzPort: port, metricsPort: port }),
    /** The local S3-compatible server behind the `media` binding (tools/stack/object-store.ts). */
    objectStore: z.object({ port, bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/) }),
  }),
  ingress: ingressSchema,
  observability: observabilitySchema.optional(),
  apps: z.array(appSchema),
});

export type AppSpec = z.infer<typeof appSchema>;
export type PublicRoute = z.infer<typeof publicRouteSchema>;

/** Routes Envoy sends straight to the app's instances (sockets, files), not through Dapr invocation. */
export const isDirect = (route: PublicRoute) => route.webSocket || route.static || route.streamed;
export type IngressSpec = z.infer<typeof ingressSchema>;
export type ObservabilitySpec = z.infer<typeof observabilitySchema>;
export type Topology = z.infer<typeof topologySchema>;

/** One AppSpec per instance; the app id stays the same, so Dapr load-balances between them. */
export function expandReplicas(app: AppSpec): AppSpec[] {
  if (app.replicas === 1) return [{ ...app, instance: app.id }];
  return Array.from({ length: app.replicas }, (_, i) => ({
    ...app,
    instance: `${app.id}-${i + 1}`,
    port: app.port + 10 * i,
    dapr: {
      ...app.dapr,
      httpPort: app.dapr.httpPort + 10 * i,
      grpcPort: app.dapr.grpcPort + 10 * i,
      internalGrpcPort: app.dapr.internalGrpcPort + 10 * i,
      metricsPort: app.dapr.metricsPort + 10 * i,
    },
  }));
}

export const instanceName = (app: AppSpec) => app.instance ?? app.id;

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Adds `offset` to every port number in the tree, so two stacks can run side by side. */
function shiftPorts<T>(value: T, offset: number, key = ''): T {
  if (typeof value === 'number' && /port/i.test(key)) return (value + offset) as T;
  if (Array.isArray(value)) return value.map((v) => shiftPorts(v, offset, key)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftPorts(v, offset, k)])) as T;
  }
  return value;
}

export function loadTopology(options: { offset?: number; profile?: string } = {}): Topology {
  const raw = JSON.parse(readFileSync(path.join(repoRoot, 'stack.json'), 'utf8')) as unknown;
  const topology = topologySchema.parse(shiftPorts(raw, options.offset ?? 0));
  return options.profile ? { ...topology, profile: options.profile } : topology;
}
