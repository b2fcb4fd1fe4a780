import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildClusters, buildRoutes, directCluster, sidecarCluster } from './ingress-routes.ts';
import { type AppSpec, loadTopology, publicRouteSchema } from './topology.ts';

const topology = loadTopology();
const reviews: AppSpec = {
  ...{
    id: 'reviews',
    workspace: 'services/reviews',
    entry: 'src/main.ts',
    env: {},
    callers: {},
    port: 7199,
    replicas: 1,
  },
  dapr: { httpPort: 3699, grpcPort: 25199, internalGrpcPort: 26299, metricsPort: 9299 },
  publicRoutes: [publicRouteSchema.parse('/reviews')],
};
const routesOf = (apps: AppSpec[]) => buildRoutes({ ingress: topology.ingress, apps, daprApiToken: 'secret' });
type Route = {
  name: string;
  route?: { cluster: string; prefix_rewrite?: string };
  typed_per_filter_config?: Record<string, { disabled?: boolean; requirement_name?: string }>;
};

test('an app added to stack.json with publicRoutes is routed through Dapr and needs a token', () => {
  const route = (routesOf([...topology.apps, reviews]) as Route[]).find((r) => r.name === 'reviews/reviews');
  assert.ok(route?.route);
  assert.equal(route.route.cluster, sidecarCluster);
  assert.equal(route.route.prefix_rewrite, '/v1.0/invoke/reviews/method/reviews');
  assert.equal(route.typed_per_filter_config?.['envoy.filters.http.jwt_authn']?.requirement_name, 'user');
});

test('every routed path decides on a token, and only the declared ones are open', () => {
  const routes = (routesOf(topology.apps) as Route[]).filter((r) => r.route);
  for (const r of routes) assert.ok(r.typed_per_filter_config?.['envoy.filters.http.jwt_authn'], r.name);
  const open = routes.filter((r) => r.typed_per_filter_config?.['envoy.filters.http.jwt_authn']?.disabled);
  assert.deepEqual(open.map((r) => r.name).sort(), [
    'chat/openapi/chat.json',
    'media/avatars',
    'media/files',
    'media/openapi/media.json',
    'notification/openapi/notification.json',
    'profile/openapi/profile.json',
    'search/openapi/search.json',
    'user/.well-known/jwks.json',
    'user/login',
    'user/openapi/user.json',
    'user/register',
    'user/registrations',
    'user/token/refresh',
    'web/',
  ]);
});

test('the chat WebSocket goes straight to both chat instances, everything else to the sidecar', () => {
  const ws = (routesOf(topology.apps) as Route[]).find((r) => r.name === 'chat/ws');
  assert.equal(ws?.route?.cluster, directCluster('chat'));
  const clusters = buildClusters(topology.ingress, topology.apps, topology.apps) as Array<{
    name: string;
    load_assignment: { endpoints: Array<{ lb_endpoints: unknown[] }> };
  }>;
  const chat = clusters.find((c) => c.name === directCluster('chat'));
  assert.equal(chat?.load_assignment.endpoints[0]?.lb_endpoints.length, 2);
});

test('the web app answers every path no API route claims, straight from its instances, without the Dapr token', () => {
  const routes = routesOf(topology.apps) as Array<
    Route & { match: Record<string, string>; request_headers_to_add?: unknown }
  >;
  const last = routes.at(-1);
  assert.equal(last?.name, 'web/');
  assert.deepEqual(last?.match, { prefix: '/' });
  assert.equal(last?.route?.cluster, directCluster('web'));
  assert.equal(last?.request_headers_to_add, undefined);
  assert.ok(routes.filter((r) => r.name.startsWith('chat/')).every((r) => routes.indexOf(r) < routes.indexOf(last)));
  assert.throws(
    () => publicRouteSchema.parse({ prefix: '/x', webSocket: true, static: true }),
    /at most one of WebSocket, static or streamed/,
  );
});

test('a streamed route sends the body straight to the instances, unbuffered, and keeps the token check unless open', () => {
  const uploads = publicRouteSchema.parse({ prefix: '/uploads', streamed: true });
  const downloads = publicRouteSchema.parse({ prefix: '/downloads', open: true, streamed: true });
  const routes = routesOf([{ ...reviews, publicRoutes: [uploads, downloads] }]) as Array<
    Route & { request_headers_to_add?: unknown }
  >;
  const jwt = 'envoy.filters.http.jwt_authn';
  const upload = routes.find((r) => r.name === 'reviews/uploads');
  assert.equal(upload?.route?.cluster, directCluster('reviews'));
  assert.equal(upload.route.prefix_rewrite, undefined, 'no Dapr invocation path');
  assert.equal(upload.request_headers_to_add, undefined, 'no Dapr API token');
  assert.equal(upload.typed_per_filter_config?.['envoy.filters.http.buffer']?.disabled, true);
  assert.equal(upload.typed_per_filter_config?.[jwt]?.requirement_name, 'user');
  const download = routes.find((r) => r.name === 'reviews/downloads');
  assert.equal(download?.typed_per_filter_config?.[jwt]?.disabled, true);
  assert.equal(download.typed_per_filter_config?.['envoy.filters.http.buffer']?.disabled, true);
  const clusters = buildClusters(topology.ingress, [reviews], [...topology.apps]) as Array<{ name: string }>;
  assert.ok(!clusters.some((c) => c.name === directCluster('reviews')), 'an app without direct routes has no cluster');
  const streamedApp = { ...reviews, publicRoutes: [uploads] };
  const withStream = buildClusters(topology.ingress, [streamedApp], topology.apps) as Array<{ name: string }>;
  assert.ok(
    withStream.some((c) => c.name === directCluster('reviews')),
    'a streamed route gets its direct cluster',
  );
  assert.throws(
    () => publicRouteSchema.parse({ prefix: '/x', static: true, streamed: true }),
    /at most one of WebSocket, static or streamed/,
  );
});

test('refuses /internal as a public route and a prefix claimed by two apps', () => {
  assert.throws(() => publicRouteSchema.parse('/internal/keys'), /never public/);
  assert.throws(() => publicRouteSchema.parse('/internal'), /never public/);
  const twin = { ...reviews, id: 'twin', publicRoutes: [publicRouteSchema.parse('/reviews')] };
  assert.throws(() => routesOf([reviews, twin]), /claimed by both reviews and twin/);
});

test('a route naming an unknown rate limit is an error, not an unlimited route', () => {
  const odd = { ...reviews, publicRoutes: [publicRouteSchema.parse({ prefix: '/odd', rateLimit: 'nope' })] };
  assert.throws(() => routesOf([odd]), /rate limit "nope"/);
});
