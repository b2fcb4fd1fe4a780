import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { renderIngressConfig } from '../../tools/stack/ingress-config.ts';
import { loadTopology } from '../../tools/stack/topology.ts';
import { documents, helmTemplate } from './chart.ts';

type Json = Record<string, unknown>;
const at = (value: unknown, ...keys: Array<string | number>): unknown =>
  keys.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], value);

/** The public listener's HTTP connection manager of an Envoy bootstrap. */
function connectionManager(bootstrap: unknown): Json {
  const listeners = at(bootstrap, 'static_resources', 'listeners') as Json[];
  const filters = listeners.flatMap((l) => (at(l, 'filter_chains', 0, 'filters') as Json[]) ?? []);
  const hcm = filters.find((f) => f.name === 'envoy.filters.network.http_connection_manager');
  assert.ok(hcm, 'an HTTP connection manager');
  return at(hcm, 'typed_config') as Json;
}

/** What must not differ between the launcher's Envoy and the chart's (addresses and clusters may). */
function behaviour(bootstrap: unknown) {
  const hcm = connectionManager(bootstrap);
  const filters = hcm.http_filters as Json[];
  const jwt = at(
    filters.find((f) => f.name === 'envoy.filters.http.jwt_authn'),
    'typed_config',
    'providers',
    'soulchat',
  ) as Json;
  const { http_uri: _where, ...remoteJwks } = (jwt.remote_jwks ?? {}) as Json;
  return {
    filters: filters.map((f) => f.name),
    localReplies: at(hcm, 'local_reply_config', 'mappers'),
    jwt: { ...jwt, remote_jwks: remoteJwks },
    lua: at(
      filters.find((f) => f.name === 'envoy.filters.http.lua'),
      'typed_config',
      'default_source_code',
      'inline_string',
    ),
    bodyLimit: at(
      filters.find((f) => f.name === 'envoy.filters.http.buffer'),
      'typed_config',
      'max_request_bytes',
    ),
    // Prefixes do not overlap, so their order is free; each must match, go and limit the same.
    routes: ((at(hcm, 'route_config', 'virtual_hosts', 0, 'routes') as Json[]) ?? [])
      .map(routeBehaviour)
      .sort((a, b) => JSON.stringify(a.match).localeCompare(JSON.stringify(b.match))),
  };
}

/** Where a route goes and what it checks: the Dapr hop or the app's pods, token, buffering, limit. */
function routeBehaviour(r: Json) {
  const perFilter = (name: string) => at(r, 'typed_per_filter_config', `envoy.filters.http.${name}`);
  const headers = ((r.request_headers_to_add as Json[] | undefined) ?? []).map((h) => at(h, 'header', 'key'));
  const { retry_policy: retry, ...route } = (r.route ?? {}) as Json;
  return {
    match: r.match,
    route,
    retryOn: at(retry, 'retry_on'),
    daprApiToken: headers.includes('dapr-api-token'),
    jwt: perFilter('jwt_authn'),
    buffer: perFilter('buffer'),
    rateLimit: at(perFilter('local_ratelimit'), 'token_bucket'),
  };
}

function launcherEnvoy() {
  const topology = loadTopology();
  const runDir = mkdtempSync(path.join(tmpdir(), 'soulchat-envoy-'));
  const { configFile } = renderIngressConfig({
    ingress: topology.ingress,
    apps: topology.apps,
    allApps: topology.apps,
    daprApiToken: 'parity-test-token',
    runDir,
    logDir: path.join(runDir, 'logs'),
    env: {},
  });
  return parse(readFileSync(configFile, 'utf8'));
}

function chartEnvoy() {
  const r = helmTemplate([]);
  assert.equal(r.status, 0, r.stderr);
  const configMap = documents(r.stdout).find(
    (d) => d.kind === 'ConfigMap' && String(at(d, 'metadata', 'name')).endsWith('-envoy'),
  );
  assert.ok(configMap, 'the chart renders the Envoy ConfigMap');
  return parse(String(at(configMap, 'data', 'envoy.yaml')));
}

test("the chart's Envoy behaves as the launcher's: filters, JSON refusals, token checks, Lua, limits, routes", () => {
  const local = behaviour(launcherEnvoy());
  const chart = behaviour(chartEnvoy());
  assert.deepEqual(chart.filters, local.filters);
  assert.deepEqual(chart.localReplies, local.localReplies);
  assert.deepEqual(chart.lua, local.lua);
  assert.deepEqual(chart.bodyLimit, local.bodyLimit);
  assert.deepEqual(chart.routes, local.routes);
  assert.deepEqual(chart.jwt, local.jwt);
});
