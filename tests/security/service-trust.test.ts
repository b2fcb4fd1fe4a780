/**
 * Service-to-service trust on the running stack: sidecars talk mTLS with Sentry-issued SPIFFE
 * certificates, each callee's sidecar enforces the access-control policies rendered from
 * stack.json `callers`, API and app tokens guard both hops, and an app circuit breaker fails fast
 * and recovers (see dapr/config/resiliency.yaml for what trips it).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { eventually, sharedStack, startTestApp, type TestApp, uniqueId } from '../harness/stack.ts';

const stack = sharedStack();
/** The stack's topology is stack.json with its port offset applied. */
const internalPortOf = (appId: string) => {
  const app = stack.topology.apps.find((a) => a.id === appId);
  assert.ok(app, `${appId} in stack.json`);
  return app.dapr.internalGrpcPort;
};

interface Sidecar {
  port: number;
  token: string;
}
function sidecarOf(instance: string): Sidecar {
  if (instance === 'ingress') {
    assert.ok(stack.ingress, 'the stack runs the ingress');
    return { port: stack.ingress.daprHttpPort, token: stack.ingress.daprApiToken };
  }
  const app = stack.apps.find((a) => a.instance === instance);
  assert.ok(app, `${instance} runs`);
  return { port: app.daprHttpPort, token: app.daprApiToken };
}

interface Reply {
  status: number;
  text: string;
  ms: number;
}
async function invoke(from: Sidecar, appId: string, method: string, path: string, token = from.token): Promise<Reply> {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${from.port}/v1.0/invoke/${appId}/method/${path}`, {
    method,
    headers: token ? { 'dapr-api-token': token } : {},
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - started };
}

/** Dapr's own refusal, naming the caller's SPIFFE id: the app never saw the call. */
function assertDenied(reply: Reply, callerId: string): void {
  assert.equal(reply.status, 403, reply.text);
  assert.match(reply.text, /PermissionDenied/);
  assert.match(
    reply.text,
    new RegExp(`access control policy has denied access to id: spiffe://public/ns/default/${callerId} `),
  );
}

/** Writes `bytes`, collects what comes back until the peer closes (or 5 s pass). */
function exchange(socket: net.Socket, bytes: Buffer): Promise<{ received: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ received: Buffer.concat(chunks), closed });
    };
    const timer = setTimeout(() => done(false), 5000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => done(true));
    socket.on('close', () => done(true));
    socket.write(bytes);
  });
}

// The client preface of HTTP/2 (gRPC's transport) followed by an empty SETTINGS frame.
const h2Preface = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);

describe('sidecars talk mTLS with Sentry-issued identities', () => {
  test('a sidecar presents a certificate for its app id, signed by the stack Sentry root', async () => {
    const ca = readFileSync(stack.sentry.trustAnchorsFile);
    const socket = tls.connect({
      host: '127.0.0.1',
      port: internalPortOf('profile'),
      ca,
      ALPNProtocols: ['h2'],
      // The certificate names a SPIFFE URI, not a host name: checked below instead.
      checkServerIdentity: () => undefined,
    });
    const cert = await new Promise<tls.PeerCertificate>((resolve, reject) => {
      socket.once('secureConnect', () => resolve(socket.getPeerCertificate()));
      socket.once('error', reject);
    });
    assert.equal(socket.authorized, true, 'the chain verifies against ca.crt');
    assert.match(cert.subjectaltname ?? '', /URI:spiffe:\/\/public\/ns\/default\/profile\b/);
    // Without a client certificate of our own, the sidecar refuses to go on.
    const { received, closed } = await exchange(socket, h2Preface);
    assert.ok(closed, 'the connection was closed');
    assert.equal(received.length, 0, 'no HTTP/2 frame for a client without a certificate');
  });

  test('a plain-text gRPC connection to a sidecar internal port gets no HTTP/2 answer', async () => {
    const socket = net.connect({ host: '127.0.0.1', port: internalPortOf('user') });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const { received, closed } = await exchange(socket, h2Preface);
    assert.ok(closed, 'the sidecar closed the connection');
    // A plain-text gRPC server would answer with its SETTINGS frame (type 4 at byte 3).
    assert.ok(received.length < 9 || received[3] !== 4, `got an HTTP/2 frame: ${received.toString('hex')}`);
  });
});

describe('access-control policies: each app may call only what it needs', () => {
  test('nobody but user may delete a profile: chat, notification and the ingress are refused', async () => {
    assertDenied(await invoke(sidecarOf('chat-1'), 'profile', 'DELETE', 'internal/profiles/x'), 'chat');
    assertDenied(await invoke(sidecarOf('notification'), 'profile', 'DELETE', 'internal/profiles/x'), 'notification');
    assertDenied(await invoke(sidecarOf('ingress'), 'profile', 'DELETE', 'internal/profiles/x'), 'ingress');
    const allowed = await invoke(sidecarOf('user'), 'profile', 'DELETE', `internal/profiles/${uniqueId('nobody')}`);
    assert.equal(allowed.status, 204, allowed.text);
  });

  test('chat may check blocks on profile; notification may not, nor may it call other chat operations', async () => {
    const blocks = 'internal/blocks?a=user-a&b=user-b';
    const ok = await invoke(sidecarOf('chat-2'), 'profile', 'GET', blocks);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(JSON.parse(ok.text), { blocked: false });
    assertDenied(await invoke(sidecarOf('notification'), 'profile', 'GET', blocks), 'notification');
    // The members route (a * segment) reaches chat, which answers for itself; a sibling path does not.
    const members = await invoke(sidecarOf('notification'), 'chat', 'GET', 'internal/conversations/none/members');
    assert.equal(members.status, 404, members.text);
    assertDenied(
      await invoke(sidecarOf('notification'), 'chat', 'GET', 'internal/conversations/none/other'),
      'notification',
    );
    assertDenied(await invoke(sidecarOf('profile'), 'user', 'POST', 'login'), 'profile');
  });

  test('the ingress reaches public routes only, never /internal of any app', async () => {
    const edge = sidecarOf('ingress');
    const jwks = await invoke(edge, 'user', 'GET', '.well-known/jwks.json');
    assert.equal(jwks.status, 200, jwks.text);
    // A public route the app itself refuses without a user token: the app answered, not Dapr.
    const profile = await invoke(edge, 'profile', 'GET', 'profiles/someone');
    assert.equal(profile.status, 401, profile.text);
    for (const [appId, method, path] of [
      ['user', 'POST', 'internal/keys/rotate'],
      ['profile', 'POST', 'internal/profiles'],
      ['chat', 'POST', 'internal/presence'],
      ['notification', 'GET', 'internal/anything'],
      ['search', 'POST', 'internal/rebuild'],
    ] as const) {
      assertDenied(await invoke(edge, appId, method, path), 'ingress');
    }
  });
});

describe('API and app tokens guard both hops', () => {
  test('an app without the Dapr API token cannot use its sidecar', async () => {
    const profile = sidecarOf('profile');
    for (const token of ['', 'not-the-token']) {
      const reply = await invoke(profile, 'user', 'GET', '.well-known/jwks.json', token);
      assert.equal(reply.status, 401, reply.text);
    }
    const metadata = await fetch(`http://127.0.0.1:${profile.port}/v1.0/metadata`);
    assert.equal(metadata.status, 401);
  });

  test('a sidecar-only route refuses a caller without the app token, and serves it through Dapr', async () => {
    const app = stack.apps.find((a) => a.id === 'profile');
    assert.ok(app);
    const url = `http://127.0.0.1:${app.port}/internal/blocks?a=user-a&b=user-b`;
    for (const headers of [{}, { 'dapr-api-token': 'not-the-token' }, { 'dapr-api-token': app.daprApiToken }]) {
      const res = await fetch(url, { headers });
      assert.equal(res.status, 401, `with ${JSON.stringify(headers)}`);
    }
    const viaDapr = await invoke(sidecarOf('chat-1'), 'profile', 'GET', 'internal/blocks?a=user-a&b=user-b');
    assert.equal(viaDapr.status, 200, 'the sidecar adds the app token');
  });
});

describe('a tripped circuit breaker fails fast and recovers', () => {
  const fixture = { workspace: 'tests/security/fixtures', entry: 'flaky-callee.ts' };
  const calleeId = uniqueId('flaky');
  let callee: TestApp;
  let caller: TestApp;
  before(async () => {
    callee = await startTestApp(calleeId, fixture);
    // The caller's sidecar carries the shared invocation policy for the callee (appBreaker).
    caller = await startTestApp(uniqueId('flaky-caller'), { ...fixture, calleeIds: [calleeId] });
  });
  after(async () => {
    await caller?.stop();
    await callee?.stop();
  });

  const work = () => invoke({ port: caller.app.daprHttpPort, token: caller.app.daprApiToken }, calleeId, 'GET', 'work');
  const hits = async () => ((await (await fetch(callee.url('/hits'))).json()) as { hits: number }).hits;
  const setMode = async (mode: string) => {
    const res = await fetch(callee.url(`/mode/${mode}`), { method: 'PUT' });
    assert.equal(res.status, 200);
  };

  test('five 500s open it: calls then fail in milliseconds without reaching the app, until it heals', async () => {
    assert.equal((await work()).status, 200);
    await setMode('fail');
    // 500 is not retried (invokeRetry matches 502-504 only): one breaker failure per call.
    for (let i = 0; i < 5; i++) assert.equal((await work()).status, 500);
    const reached = await hits();
    const failFast = [];
    for (let i = 0; i < 5; i++) {
      const reply = await work();
      assert.equal(reply.status, 500);
      assert.match(reply.text, /circuit breaker is open/);
      failFast.push(reply.ms);
    }
    console.log(`breaker open: fail-fast calls took ${failFast.map((ms) => ms.toFixed(1)).join(', ')} ms`);
    assert.equal(await hits(), reached, 'no call reached the app while the breaker was open');
    assert.ok(Math.max(...failFast) < 250, 'far below the 5 s invoke timeout');
    const opened = Date.now();
    await setMode('ok');
    // After the breaker's 15 s one trial call goes through and closes it.
    const healed = await eventually(work, (r) => r.status === 200, 25_000);
    assert.equal(healed.status, 200, healed.text);
    const recoveredMs = Date.now() - opened;
    console.log(`breaker closed again ${recoveredMs} ms after it opened`);
    assert.ok(recoveredMs >= 13_000, `recovered after ${recoveredMs} ms: the breaker stayed open for its timeout`);
    assert.equal((await work()).status, 200);
  });

  test('a callee that hangs past the invoke timeout opens it too', async () => {
    await setMode('slow');
    // Each call times out at 5 s, retried twice: two calls make the five failures.
    const calls = await Promise.all([work(), work()]);
    for (const reply of calls) assert.ok(reply.status >= 500, reply.text);
    const reached = await hits();
    const reply = await work();
    assert.match(reply.text, /circuit breaker is open/);
    assert.ok(reply.ms < 250, `fail-fast took ${reply.ms} ms`);
    assert.equal(await hits(), reached);
    await setMode('ok');
  });
});

describe('client errors never open a breaker for everyone', () => {
  test('a run of failed logins through Envoy keeps getting the user service answer, not a breaker 500', async () => {
    assert.ok(stack.ingress);
    const statuses = [];
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${stack.ingress.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: uniqueId('nobody'), password: 'wrong password here' }),
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    // 401 each time (429 once a limit applies): the ingress's sidecar has no breaker to open.
    assert.ok(
      statuses.every((s) => s === 401 || s === 429),
      `statuses ${statuses}`,
    );
  });
});
