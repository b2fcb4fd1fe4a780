/**
 * The Envoy route table and clusters, built from stack.json only: every app's publicRoutes become
 * routes, so an app added to stack.json (with its publicRoutes) is reachable without touching this
 * file. Pure functions, unit-tested in ingress-routes.test.ts.
 */
import { type AppSpec, expandReplicas, type IngressSpec, isDirect, type PublicRoute } from './topology.ts';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const typeUrl = (name: string) => `type.googleapis.com/envoy.extensions.filters.http.${name}`;
const filters = {
  jwt: 'envoy.filters.http.jwt_authn',
  rateLimit: 'envoy.filters.http.local_ratelimit',
  buffer: 'envoy.filters.http.buffer',
} as const;

/** The cluster of the ingress's own daprd: every HTTP API call is a Dapr service invocation. */
export const sidecarCluster = 'dapr-sidecar';
export const jwksCluster = 'jwks';
/** An app's instances, for the routes that skip Dapr (WebSockets, the web app's files). */
export const directCluster = (appId: string) => `direct-${appId}`;

export interface RouteInputs {
  ingress: IngressSpec;
  /** The apps this stack runs (routes of apps not started would only answer 500). */
  apps: AppSpec[];
  /** Sent to the ingress's daprd as dapr-api-token; lives only in the rendered file. */
  daprApiToken: string;
}

/** Retries only where repeating is harmless: GET and HEAD, and only when nothing was answered. */
function idempotentRetries(retryOn: string): JsonObject {
  return {
    retry_on: retryOn,
    num_retries: 2,
    retry_back_off: { base_interval: '0.1s', max_interval: '1s' },
    retriable_request_headers: [{ name: ':method', string_match: { safe_regex: { regex: 'GET|HEAD' } } }],
  };
}

/**
 * Per client address (the trusted one, see xffTrustedHops), plus a route-wide bucket 50 times as
 * large so a flood from many addresses still cannot drown a service.
 */
function rateLimit(ingress: IngressSpec, name: string, routeName: string): JsonObject {
  const bucket = ingress.rateLimits[name];
  if (!bucket) throw new Error(`route ${routeName} names rate limit "${name}", not in ingress.rateLimits`);
  const enabled = { default_value: { numerator: 100, denominator: 'HUNDRED' }, runtime_key: 'ingress_rate_limit' };
  return {
    '@type': typeUrl('local_ratelimit.v3.LocalRateLimit'),
    stat_prefix: `route_${name}`,
    token_bucket: {
      max_tokens: bucket.maxTokens * 50,
      tokens_per_fill: bucket.tokensPerFill * 50,
      fill_interval: bucket.fillInterval,
    },
    filter_enabled: enabled,
    filter_enforced: enabled,
    // An entry with no value is a wildcard: one bucket per distinct client address.
    descriptors: [
      {
        entries: [{ key: 'remote_address' }],
        token_bucket: {
          max_tokens: bucket.maxTokens,
          tokens_per_fill: bucket.tokensPerFill,
          fill_interval: bucket.fillInterval,
        },
      },
    ],
    max_dynamic_descriptors: 20000,
    rate_limits: [{ actions: [{ remote_address: {} }] }],
    response_headers_to_add: [
      { header: { key: 'retry-after', value: String(retryAfterSeconds(bucket.fillInterval)) } },
    ],
  };
}

/** One token comes back after one fill interval: that is when a retry can succeed. */
export function retryAfterSeconds(fillInterval: string): number {
  const match = /^(\d+)(ms|s|m)$/.exec(fillInterval);
  const n = Number(match?.[1] ?? 1);
  const seconds = match?.[2] === 'ms' ? n / 1000 : match?.[2] === 'm' ? n * 60 : n;
  return Math.max(1, Math.ceil(seconds));
}

const jwtPerRoute = (open: boolean): JsonObject =>
  open
    ? { '@type': typeUrl('jwt_authn.v3.PerRouteConfig'), disabled: true }
    : { '@type': typeUrl('jwt_authn.v3.PerRouteConfig'), requirement_name: 'user' };

function apiRoute(inputs: RouteInputs, app: AppSpec, route: PublicRoute): JsonObject {
  const { ingress } = inputs;
  const name = `${app.id}${route.prefix}`;
  return {
    name,
    match: { path_separated_prefix: route.prefix },
    route: {
      cluster: sidecarCluster,
      // /login -> /v1.0/invoke/user/method/login; the query string is kept.
      prefix_rewrite: `/v1.0/invoke/${app.id}/method${route.prefix}`,
      timeout: `${ingress.routeTimeoutSeconds}s`,
      retry_policy: idempotentRetries('connect-failure,refused-stream,reset,gateway-error'),
    },
    request_headers_to_add: [
      {
        header: { key: 'dapr-api-token', value: inputs.daprApiToken },
        append_action: 'OVERWRITE_IF_EXISTS_OR_ADD',
      },
    ],
    typed_per_filter_config: {
      [filters.jwt]: jwtPerRoute(route.open),
      [filters.rateLimit]: rateLimit(ingress, route.rateLimit, name),
    },
  };
}

/** `/` matches every path; any other prefix only itself and what lies below it. */
const matchOf = (prefix: string): JsonObject => (prefix === '/' ? { prefix } : { path_separated_prefix: prefix });

/**
 * A route straight to the app's instances (no Dapr hop, never with the Dapr API token): the web
 * app's files, WebSockets, or streamed uploads.
 */
function directRoute(inputs: RouteInputs, app: AppSpec, route: PublicRoute): JsonObject {
  const name = `${app.id}${route.prefix}`;
  const socket = route.webSocket
    ? {
        // A socket lives as long as the client keeps it; only silence longer than several chat
        // heartbeats (15 s) ends it.
        timeout: '0s',
        idle_timeout: `${inputs.ingress.webSocketIdleSeconds}s`,
        upgrade_configs: [{ upgrade_type: 'websocket', enabled: true }],
      }
    : { timeout: `${inputs.ingress.routeTimeoutSeconds}s` };
  return {
    name,
    match: matchOf(route.prefix),
    route: {
      cluster: directCluster(app.id),
      ...socket,
      // Only reads are retried (an upgrade is a GET): retrying a refused connection elsewhere is safe.
      retry_policy: idempotentRetries('connect-failure,refused-stream,reset'),
    },
    typed_per_filter_config: {
      [filters.jwt]: jwtPerRoute(route.open),
      [filters.rateLimit]: rateLimit(inputs.ingress, route.rateLimit, name),
      // Frames and uploads stream: buffering them would stall a socket and cap an upload at
      // maxRequestBytes (the app limits an upload's size itself).
      ...(route.webSocket || route.streamed
        ? { [filters.buffer]: { '@type': typeUrl('buffer.v3.BufferPerRoute'), disabled: true } }
        : {}),
    },
  };
}

/** Routes, longest prefix first so a longer one is never shadowed by a shorter one. */
export function buildRoutes(inputs: RouteInputs): JsonObject[] {
  const entries = inputs.apps.flatMap((app) => (app.publicRoutes ?? []).map((route) => ({ app, route })));
  const seen = new Map<string, string>();
  for (const { app, route } of entries) {
    const owner = seen.get(route.prefix);
    if (owner) throw new Error(`public route ${route.prefix} is claimed by both ${owner} and ${app.id}`);
    seen.set(route.prefix, app.id);
  }
  entries.sort((a, b) => b.route.prefix.length - a.route.prefix.length);
  const health: JsonObject = {
    name: 'ingress-health',
    match: { path: '/ingress/healthz' },
    direct_response: { status: 200, body: { inline_string: 'ok' } },
  };
  // daprd refuses a method name with a control or reserved character (500 ERR_DIRECT_INVOKE):
  // such a path is the client's mistake, so it gets a 400 here. UTF-8 (emoji reactions) passes.
  const badEncoding: JsonObject = {
    name: 'ingress-bad-path',
    match: { safe_regex: { regex: '.*%(?:[01][0-9A-Fa-f]|7[Ff]|2[35]|3[Ff]|5[Cc]).*' } },
    direct_response: {
      status: 400,
      body: {
        inline_string: JSON.stringify({
          error: { code: 'BAD_REQUEST', message: 'path contains an encoded control or reserved character' },
        }),
      },
    },
    response_headers_to_add: [
      { header: { key: 'content-type', value: 'application/json' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
    ],
  };
  // /internal is for sidecars only: never routed, not even to the catch-all web app.
  const internal: JsonObject = {
    name: 'ingress-internal',
    match: { path_separated_prefix: '/internal' },
    direct_response: {
      status: 404,
      body: { inline_string: JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no such route' } }) },
    },
    response_headers_to_add: badEncoding.response_headers_to_add as Json,
  };
  return [
    health,
    badEncoding,
    internal,
    ...entries.map(({ app, route }) =>
      isDirect(route) ? directRoute(inputs, app, route) : apiRoute(inputs, app, route),
    ),
  ];
}

const endpoint = (port: number): JsonObject => ({
  endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } },
});

function staticCluster(name: string, ports: number[], extra: JsonObject = {}): JsonObject {
  return {
    name,
    type: 'STATIC',
    connect_timeout: '2s',
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: ports.map(endpoint) }] },
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        // Shorter than the keep-alive of the servers behind (Koa 65 s, daprd), so Envoy never
        // reuses a connection they are closing.
        common_http_protocol_options: { idle_timeout: '30s' },
        explicit_http_config: { http_protocol_options: {} },
      },
    },
    ...extra,
  };
}

/** Round robin over the instances; a failing one is ejected, an unready one gets no new sockets. */
function directClusterOf(app: AppSpec): JsonObject {
  return staticCluster(
    directCluster(app.id),
    expandReplicas(app).map((i) => i.port),
    {
      lb_policy: 'ROUND_ROBIN',
      health_checks: [
        {
          timeout: '1s',
          interval: '2s',
          unhealthy_threshold: 2,
          healthy_threshold: 1,
          http_health_check: { path: '/readyz' },
        },
      ],
      // An upgraded socket holds one upstream connection and one request for its whole life:
      // Envoy's default breaker (1024 of each per cluster) would cap chat at 1024 sockets in all.
      circuit_breakers: {
        thresholds: [
          { priority: 'DEFAULT', max_connections: 100000, max_pending_requests: 100000, max_requests: 100000 },
        ],
      },
      outlier_detection: {
        consecutive_5xx: 3,
        consecutive_gateway_failure: 2,
        split_external_local_origin_errors: true,
        consecutive_local_origin_failure: 2,
        interval: '2s',
        base_ejection_time: '15s',
        // Never eject the last instance: a degraded chat beats none.
        max_ejection_percent: 50,
      },
    },
  );
}

export function buildClusters(ingress: IngressSpec, apps: AppSpec[], allApps: AppSpec[]): JsonObject[] {
  const jwksApp = allApps.find((a) => a.id === ingress.auth.jwksApp);
  if (!jwksApp) throw new Error(`ingress.auth.jwksApp "${ingress.auth.jwksApp}" is not an app of stack.json`);
  const direct = apps.filter((a) => (a.publicRoutes ?? []).some(isDirect));
  return [
    staticCluster(sidecarCluster, [ingress.dapr.httpPort]),
    // The JWKS is public data; Envoy's remote_jwks cannot add the Dapr API token, so it reads
    // the keys straight from the issuing app's instances.
    staticCluster(
      jwksCluster,
      expandReplicas(jwksApp).map((i) => i.port),
    ),
    ...direct.map(directClusterOf),
  ];
}
