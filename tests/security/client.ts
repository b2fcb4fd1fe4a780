/**
 * Shared by the security suites: people registered through Envoy from a suite's own loopback
 * address, calls straight to a service's port (bypassing Envoy), and access tokens minted with
 * the test stack's own signing key, so a token can be wrong in exactly one way.
 */

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { type ChatDevice, connectDevice } from '../harness/chat-client.ts';
import { rootQuery } from '../harness/databases.ts';
import { call, type Reply } from '../harness/http.ts';
import { sharedStack } from '../harness/stack.ts';
import { type EdgeReply, edge, ingress } from '../ingress/client.ts';

export const stack = sharedStack();
export const password = 'long enough password';

export interface Person {
  id: string;
  username: string;
  token: string;
}

/**
 * Registers and logs in through Envoy. `from` is the suite's own 127.0.0.x: /register and
 * /login have a strict per-client bucket, which the other suites (from 127.0.0.1) keep to themselves.
 */
export async function newPerson(from: string, extra: Record<string, string> = {}): Promise<Person> {
  const username = `s_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const body = { username, email: `${username}@example.test`, password, ...extra };
  const reg = await edge('/register', { from, body });
  assert.equal(reg.status, 201, reg.text);
  const login = await edge('/login', { from, body: { identifier: username, password } });
  assert.equal(login.status, 200, login.text);
  return {
    id: reg.json<{ user: { id: string } }>().user.id,
    username,
    token: login.json<{ accessToken: string }>().accessToken,
  };
}

/** The apps with public routes of their own (web serves files only), the Go search app included. */
export const serviceIds = ['user', 'profile', 'chat', 'notification', 'search'] as const;
export type ServiceId = (typeof serviceIds)[number];

/** A service's own port (the first instance's), for calls that bypass Envoy. */
export function serviceUrl(id: ServiceId): string {
  const app = stack.apps.find((a) => a.id === id);
  assert.ok(app, `the shared stack runs ${id}`);
  return `http://127.0.0.1:${app.port}`;
}

/**
 * The header a service's sidecar adds to every call it delivers (APP_API_TOKEN). The search app
 * admits only its sidecar on every route, /search included; the Node apps on sidecar-only routes.
 */
export function sidecarHeaders(id: ServiceId): Record<string, string> {
  const app = stack.apps.find((a) => a.id === id);
  assert.ok(app, `the shared stack runs ${id}`);
  return { 'dapr-api-token': app.appApiToken };
}

export function direct<T>(id: ServiceId, path: string, options: Parameters<typeof call>[1] = {}): Promise<Reply<T>> {
  return call<T>(`${serviceUrl(id)}${path}`, options);
}

export interface ErrorBody {
  error: { code: string; message: string };
}

/** A refusal in the services' (and Envoy's) shape: the status and a JSON {error: {code}}. */
export function assertRefused(reply: EdgeReply, status: number, code: string): ErrorBody['error'] {
  assert.equal(reply.status, status, `${reply.status} ${reply.text}`);
  assert.match(String(reply.headers['content-type']), /^application\/json/, reply.text);
  const { error } = reply.json<ErrorBody>();
  assert.equal(error.code, code, reply.text);
  return error;
}

/** The user service's active signing key, read from its database (test stack only). */
async function activeSigningKey(): Promise<{ kid: string; key: Awaited<ReturnType<typeof importJWK>> }> {
  const [row] = await rootQuery<{ kid: string; private_jwk: string }>(
    stack,
    'SELECT kid, private_jwk FROM users.signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1',
  );
  assert.ok(row, 'the user service has a signing key (someone logged in)');
  return { kid: row.kid, key: await importJWK(JSON.parse(row.private_jwk) as JWK, 'EdDSA') };
}

/**
 * An access token like the user service's (EdDSA, its key id, issuer, audience, 15 minutes),
 * with `claims` laid over the standard ones: `{exp: past}` makes it expired and nothing else.
 */
export async function mintToken(sub: string, claims: JWTPayload = {}): Promise<string> {
  const { kid, key } = await activeSigningKey();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: 'soulchat-user',
    aud: 'soulchat',
    sub,
    iat: now,
    exp: now + 900,
    jti: randomUUID(),
    roles: [],
    ...claims,
  })
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
    .sign(key);
}

export interface Frame {
  type: string;
  [key: string]: unknown;
}

export type Socket = ChatDevice;

/** A WebSocket through Envoy with the token in ?access_token=, as a browser sends it. */
export const connect = (token: string): Promise<Socket> => connectDevice(ingress.url, token, { tokenInQuery: true });

export { refusedUpgrade } from '../harness/chat-client.ts';

export { edge, ingress };
