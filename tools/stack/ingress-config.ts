/** Renders dapr/ingress/envoy.yaml into a run dir with the routes and clusters of stack.json. */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { tokenAudience, tokenIssuer } from '../../packages/platform/src/apps.ts';
import { buildClusters, buildRoutes } from './ingress-routes.ts';
import { fillTemplate } from './resources.ts';
import { type AppSpec, expandReplicas, type IngressSpec, repoRoot } from './topology.ts';

export const envoyTemplate = path.join(repoRoot, 'dapr/ingress/envoy.yaml');
/** Rewrites Dapr's "cannot reach the service" 500 into a 503 with Retry-After (the chart uses it too). */
export const upstreamUnavailableLua = path.join(repoRoot, 'dapr/ingress/upstream-unavailable.lua');

/** Envoy's own answers, with the services' error codes (packages/platform/src/errors.ts). */
const localReplies: Array<{ status: number; code: string; message?: string; becomes?: number; retry?: boolean }> = [
  // jwt_authn's reason ("Jwt is missing", "Jwt is expired", ...) is the message.
  { status: 401, code: 'UNAUTHORIZED' },
  // Envoy's only 403 is jwt_authn's for a token of another audience: an invalid token to this
  // API, so 401 as RFC 6750 says (a service's own 403s are upstream answers, left alone).
  { status: 403, code: 'UNAUTHORIZED', becomes: 401 },
  { status: 404, code: 'NOT_FOUND', message: 'route not found' },
  { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'request body too large' },
  { status: 429, code: 'RATE_LIMITED', message: 'too many requests, try again later' },
  { status: 400, code: 'BAD_REQUEST' },
  { status: 502, code: 'UPSTREAM_FAILED', message: 'upstream failed' },
  { status: 503, code: 'UNAVAILABLE', message: 'service unavailable', retry: true },
  { status: 504, code: 'UNAVAILABLE', message: 'upstream timed out', retry: true },
];

function localReplyMappers() {
  return localReplies.map(({ status, code, message, becomes, retry }) => ({
    filter: {
      status_code_filter: {
        comparison: { op: 'EQ', value: { default_value: status, runtime_key: `ingress_reply_${status}` } },
      },
    },
    body_format_override: { json_format: { error: { code, message: message ?? '%LOCAL_REPLY_BODY%' } } },
    ...(becomes ? { status_code: becomes } : {}),
    // An upstream that is down or restarting: clients may retry shortly.
    ...(retry
      ? {
          headers_to_add: [{ header: { key: 'retry-after', value: '2' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }],
        }
      : {}),
  }));
}

/** SOULCHAT_CORS_ORIGINS (exact origins, comma-separated) replaces stack.json's patterns. */
function corsPolicy(ingress: IngressSpec, env: NodeJS.ProcessEnv) {
  const exact = env.SOULCHAT_CORS_ORIGINS?.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const origins = exact?.length
    ? exact.map((o) => ({ exact: o }))
    : ingress.cors.allowOriginRegexes.map((regex) => ({ safe_regex: { regex } }));
  return {
    '@type': 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy',
    allow_origin_string_match: origins,
    allow_methods: 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
    allow_headers: 'authorization, content-type, idempotency-key, x-request-id',
    expose_headers: 'location, retry-after, x-request-id',
    max_age: String(ingress.cors.maxAgeSeconds),
    // Tokens travel in the Authorization header, never in cookies.
    allow_credentials: false,
  };
}

const collectorCluster = 'otel_collector';

/** Envoy's OpenTelemetry tracer: it joins an incoming traceparent or starts the trace. */
const tracing = {
  provider: {
    name: 'envoy.tracers.opentelemetry',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig',
      grpc_service: { envoy_grpc: { cluster_name: collectorCluster }, timeout: '1s' },
      service_name: 'envoy',
    },
  },
};

/** The OTLP/gRPC cluster the tracer exports to (none without observability). */
function traceCollector(endpoint: string | undefined) {
  if (!endpoint) return [];
  const [host = '127.0.0.1', port = '0'] = endpoint.split(':');
  return [
    {
      name: collectorCluster,
      type: 'STATIC',
      connect_timeout: '1s',
      typed_extension_protocol_options: {
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
          '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
          explicit_http_config: { http2_protocol_options: {} },
        },
      },
      load_assignment: {
        cluster_name: collectorCluster,
        endpoints: [
          {
            lb_endpoints: [{ endpoint: { address: { socket_address: { address: host, port_value: Number(port) } } } }],
          },
        ],
      },
    },
  ];
}

export interface IngressRender {
  ingress: IngressSpec;
  /** The apps this stack runs, and all of stack.json's (the JWKS app may be either). */
  apps: AppSpec[];
  allApps: AppSpec[];
  daprApiToken: string;
  runDir: string;
  /** Where the access log goes: the supervisor's log folder, beside envoy.log. */
  logDir: string;
  env?: NodeJS.ProcessEnv;
  /** host:port of Jaeger's OTLP/gRPC receiver, when the stack runs with observability. */
  otlpGrpcEndpoint?: string | undefined;
}

export interface RenderedIngress {
  configFile: string;
  accessLog: string;
}

export function renderIngressConfig(r: IngressRender): RenderedIngress {
  const dir = path.join(r.runDir, 'ingress');
  mkdirSync(dir, { recursive: true });
  mkdirSync(r.logDir, { recursive: true });
  const accessLog = path.join(r.logDir, 'envoy-access.log');
  const jwksApp = r.allApps.find((a) => a.id === r.ingress.auth.jwksApp);
  const jwksPort = jwksApp ? (expandReplicas(jwksApp)[0]?.port ?? 0) : 0;
  const json = (value: unknown) => JSON.stringify(value);
  const vars: Record<string, string> = {
    ADMIN_PORT: String(r.ingress.adminPort),
    LISTEN_ADDRESS: r.ingress.address,
    PORT: String(r.ingress.port),
    XFF_TRUSTED_HOPS: String(r.ingress.xffTrustedHops),
    WS_IDLE_TIMEOUT: `${r.ingress.webSocketIdleSeconds}s`,
    ACCESS_LOG: json(accessLog),
    USER_ID_HEADER: r.ingress.auth.userIdHeader,
    LOCAL_REPLY_MAPPERS: json(localReplyMappers()),
    UPSTREAM_UNAVAILABLE_LUA: json(readFileSync(upstreamUnavailableLua, 'utf8')),
    TOKEN_ISSUER: json(tokenIssuer),
    TOKEN_AUDIENCE: json(tokenAudience),
    // The host only names the request; the jwks cluster decides where it goes.
    JWKS_URI: json(`http://127.0.0.1:${jwksPort}${r.ingress.auth.jwksPath}`),
    JWKS_CACHE_DURATION: `${r.ingress.auth.jwksCacheSeconds}s`,
    MAX_REQUEST_BYTES: String(r.ingress.maxRequestBytes),
    CORS_POLICY: json(corsPolicy(r.ingress, r.env ?? process.env)),
    ROUTES: json(buildRoutes({ ingress: r.ingress, apps: r.apps, daprApiToken: r.daprApiToken })),
    CLUSTERS: json([...buildClusters(r.ingress, r.apps, r.allApps), ...traceCollector(r.otlpGrpcEndpoint)]),
    TRACING: json(r.otlpGrpcEndpoint ? tracing : null),
  };
  const text = fillTemplate(readFileSync(envoyTemplate, 'utf8'), vars);
  // A template edit that breaks the YAML fails here, naming the file, not deep inside Envoy.
  parse(text);
  const configFile = path.join(dir, 'envoy.yaml');
  writeFileSync(configFile, text, { mode: 0o600 });
  chmodSync(configFile, 0o600);
  return { configFile, accessLog };
}
