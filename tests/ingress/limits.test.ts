import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ErrorBody, edge, topology } from './client.ts';

// Each test floods from its own loopback address: Envoy keeps one bucket per client address, so
// the other suites (from 127.0.0.1) keep their logins.
const strict = topology.ingress.rateLimits.strict;
assert.ok(strict, 'stack.json has a strict rate limit');

/** Sequential, so the count is exact: a bucket of maxTokens, refilled too slowly to matter here. */
async function flood(from: string, count: number, headers: (i: number) => Record<string, string> = () => ({})) {
  const statuses: number[] = [];
  let limited: Awaited<ReturnType<typeof edge>> | undefined;
  for (let i = 0; i < count; i++) {
    const reply = await edge('/login', { from, body: {}, headers: headers(i) });
    statuses.push(reply.status);
    if (reply.status === 429) limited ??= reply;
  }
  return { statuses, limited };
}

describe('rate limits at the edge', () => {
  test('a login flood gets JSON 429s while other clients and other routes are served', async () => {
    const { statuses, limited } = await flood('127.0.0.5', strict.maxTokens + 10);
    // The empty body is a 400 from the user service until the client's bucket runs dry.
    assert.ok(
      statuses.slice(0, strict.maxTokens - 1).every((s) => s === 400),
      statuses.join(' '),
    );
    assert.ok(
      statuses.slice(-5).every((s) => s === 429),
      statuses.join(' '),
    );
    assert.ok(limited);
    assert.deepEqual(JSON.parse(limited.text) as ErrorBody, {
      error: { code: 'RATE_LIMITED', message: 'too many requests, try again later' },
    });
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    const otherClient = await edge('/login', { from: '127.0.0.6', body: {} });
    assert.equal(otherClient.status, 400, otherClient.text);
    const otherRoute = await edge('/.well-known/jwks.json', { from: '127.0.0.5' });
    assert.equal(otherRoute.status, 200, otherRoute.text);
  });

  test('a client cannot reset its bucket by claiming another address in X-Forwarded-For', async () => {
    const { statuses } = await flood('127.0.0.7', strict.maxTokens + 5, (i) => ({
      'x-forwarded-for': `198.51.100.${i + 1}`,
    }));
    assert.ok(
      statuses.slice(-5).every((s) => s === 429),
      statuses.join(' '),
    );
  });
});
