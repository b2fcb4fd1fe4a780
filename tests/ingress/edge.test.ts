import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { accessLogLine, type ErrorBody, edge, ingress, newPerson, type Person, topology } from './client.ts';

/** Envoy's JSON refusals have the services' shape: {error: {code, message}} and nothing else. */
function assertEdgeError(reply: { status: number; text: string; headers: Record<string, unknown> }, status: number) {
  assert.equal(reply.status, status, reply.text);
  assert.match(String(reply.headers['content-type']), /^application\/json/);
  const body = JSON.parse(reply.text) as ErrorBody;
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(typeof body.error.code, 'string');
  assert.equal(typeof body.error.message, 'string');
  return body.error;
}

describe('the Envoy ingress', () => {
  let alice: Person;
  before(async () => {
    alice = await newPerson();
  });

  test('registers, logs in and serves /me through Envoy and Dapr invocation', async () => {
    const me = await edge('/me', { token: alice.token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json<{ id: string }>().id, alice.id);
    // The route went to the ingress's sidecar, rewritten into a Dapr invocation of user.
    const line = await accessLogLine((l) => l.route === 'user/me' && l.userId === alice.id);
    assert.equal(line.upstream, `127.0.0.1:${topology.ingress.dapr.httpPort}`);
    assert.equal(line.path, '/me');
  });

  test("serves every public service's OpenAPI document, without a token", async () => {
    // Every app with API routes behind the ingress publishes its document, whatever it is written in.
    const documented = topology.apps.flatMap((app) => {
      const own = `/openapi/${app.id}.json`;
      const routes = app.publicRoutes ?? [];
      const api = routes.filter((r) => r.prefix !== own && !r.webSocket && !r.static).map((r) => r.prefix);
      if (api.length === 0) return [];
      assert.ok(
        routes.some((r) => r.prefix === own),
        `${app.id} routes ${own}`,
      );
      return [{ id: app.id, own, api }];
    });
    assert.ok(
      documented.some((d) => d.id === 'search'),
      'the Go search app is among them',
    );
    for (const { id, own, api } of documented) {
      const reply = await edge(own);
      assert.equal(reply.status, 200, `${id}: ${reply.text}`);
      const doc = reply.json<{ openapi: string; paths: Record<string, unknown> }>();
      assert.match(doc.openapi, /^3\./, id);
      // It is this app's document: it describes each public route the ingress sends to the app.
      const paths = Object.keys(doc.paths);
      const undocumented = api.filter((p) => !paths.some((d) => d === p || d.startsWith(`${p}/`)));
      assert.deepEqual(undocumented, [], `${id} documents its public routes (${JSON.stringify(paths)})`);
    }
  });

  test('refuses a protected route without a token at the edge, with a JSON 401', async () => {
    const reply = await edge(`/profiles/${alice.id}`);
    const error = assertEdgeError(reply, 401);
    assert.equal(error.code, 'UNAUTHORIZED');
    // jwt_authn's reason, not the service's ("missing bearer token"): the request never left Envoy.
    assert.equal(error.message, 'Jwt is missing');
  });

  test('refuses a token whose signature does not verify, at the edge', async () => {
    const [header, payload, signature = ''] = alice.token.split('.');
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    const reply = await edge('/me', { token: `${header}.${payload}.${flipped}` });
    const error = assertEdgeError(reply, 401);
    assert.equal(error.message, 'Jwt verification fails');
  });

  test('passes the verified user id on and drops the one a client sends', async () => {
    const intruder = randomUUID();
    const path = `/profiles/${alice.id}?probe=${randomUUID()}`;
    const reply = await edge(path, { token: alice.token, headers: { [topology.ingress.auth.userIdHeader]: intruder } });
    assert.equal(reply.status, 200, reply.text);
    const line = await accessLogLine(
      (l) => l.route === 'profile/profiles' && l.requestId === reply.headers['x-request-id'],
    );
    assert.equal(line.userId, alice.id);
    // On an open route nobody is verified, so the client's header must simply be gone.
    const open = await edge('/.well-known/jwks.json', { headers: { [topology.ingress.auth.userIdHeader]: intruder } });
    assert.equal(open.status, 200);
    const openLine = await accessLogLine((l) => l.requestId === open.headers['x-request-id']);
    assert.equal(openLine.userId, null);
  });

  test('sends the address it saw as X-Forwarded-For, whatever the client claims', async () => {
    const reply = await edge('/.well-known/jwks.json', {
      from: '127.0.0.3',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(reply.status, 200);
    const line = await accessLogLine((l) => l.requestId === reply.headers['x-request-id']);
    assert.equal(line.client, '127.0.0.3');
    assert.equal(line.forwardedFor, '127.0.0.3');
  });

  test('never routes /internal, however the path is dressed up', async () => {
    for (const path of ['/internal/keys/rotate', '/me/../internal/keys/rotate', '//internal/keys/rotate']) {
      const reply = await edge(path, { method: 'POST', token: alice.token, body: {} });
      const error = assertEdgeError(reply, 404);
      assert.equal(error.code, 'NOT_FOUND', path);
    }
    // An escaped slash is unescaped and redirected: never a 2xx from the service.
    const escaped = await edge('/internal%2Fkeys%2Frotate', { method: 'POST', token: alice.token, body: {} });
    assert.ok(escaped.status >= 300 && escaped.status < 500, `${escaped.status} ${escaped.text}`);
    assert.notEqual(escaped.status, 200);
  });

  test('answers a CORS preflight from a local origin itself, and not for a foreign one', async () => {
    const ask = (origin: string) =>
      edge('/me', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
    const local = await ask('http://localhost:5173');
    assert.equal(local.status, 200);
    assert.equal(local.headers['access-control-allow-origin'], 'http://localhost:5173');
    assert.match(String(local.headers['access-control-allow-methods']), /PATCH/);
    assert.match(String(local.headers['access-control-allow-headers']), /authorization/);
    const foreign = await ask('https://evil.example');
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);
  });

  test('refuses a body over the size limit with a JSON 413', async () => {
    const big = JSON.stringify({ bio: 'x'.repeat(topology.ingress.maxRequestBytes + 1) });
    const reply = await edge('/profiles/me', { method: 'PATCH', token: alice.token, body: big });
    const error = assertEdgeError(reply, 413);
    assert.equal(error.code, 'PAYLOAD_TOO_LARGE');
    const small = await edge('/profiles/me', { method: 'PATCH', token: alice.token, body: { bio: 'short' } });
    assert.equal(small.status, 200, small.text);
  });

  test('keeps its admin interface on 127.0.0.1 only', async () => {
    const port = Number(new URL(ingress.adminUrl).port);
    const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
    // /proc/net/tcp{,6}: local address as hex ip:port, state 0A is LISTEN.
    const listening = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .slice(1)
        .map((row) => row.trim().split(/\s+/))
        .filter((cols) => cols[3] === '0A' && cols[1]?.endsWith(`:${hexPort}`))
        .map((cols) => cols[1]?.split(':')[0]),
    );
    assert.deepEqual(listening, ['0100007F']);
    const ready = await fetch(`${ingress.adminUrl}/ready`, { signal: AbortSignal.timeout(5000) });
    assert.equal(await ready.text(), 'LIVE\n');
  });
});
