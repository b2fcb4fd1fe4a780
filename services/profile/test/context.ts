import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import path from 'node:path';
import {
  createDaprClient,
  createDatabase,
  createLogger,
  createTokenVerifier,
  listen,
  migrateToLatest,
  setResponseChecks,
  tokenAudience,
  tokenIssuer,
} from '@soulchat/platform';
import { testTokenIssuer } from '@soulchat/platform/testing';
import type { Kysely } from 'kysely';
import { freshDatabase } from '../../../tests/harness/database.ts';
import { sharedStack } from '../../../tests/harness/stack.ts';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/db/schema.ts';

// As in the test stacks: every answer is checked against its route's documented schema.
setResponseChecks(true);
export interface Reply<T> {
  status: number;
  body: T;
}

export interface CallOptions {
  /** A user id to sign a token for, or a raw Authorization header value. */
  as?: string;
  authorization?: string;
  /** Send the app API token, as the sidecar does (internal and event routes). */
  sidecar?: boolean;
  body?: unknown;
  /** A raw request body, sent as is (for malformed JSON). */
  rawBody?: string;
}

export interface TestContext {
  base: string;
  db: Kysely<Database>;
  appApiToken: string;
  /** A signed access token for this user id, from the key the app trusts. */
  token(userId: string, options?: { expiresIn?: string; audience?: string }): Promise<string>;
  call<T = unknown>(method: string, path: string, options?: CallOptions): Promise<Reply<T>>;
  /** A fresh user with a profile, created through the internal route. */
  newUser(displayName?: string): Promise<string>;
  close(): Promise<void>;
}

/** The profile app in-process on a fresh, migrated database, using the shared stack's profile sidecar. */
export async function startContext(): Promise<TestContext> {
  const fresh = await freshDatabase('profile_test');
  const db = createDatabase<Database>({ url: fresh.url, poolSize: 4 });
  await migrateToLatest(db, path.join(import.meta.dirname, '../src/db/migrations'));
  const sidecar = sharedStack().apps.find((a) => a.id === 'profile');
  if (!sidecar) throw new Error('the shared stack runs no profile app');
  const dapr = createDaprClient({ httpPort: sidecar.daprHttpPort, apiToken: sidecar.daprApiToken });
  const issuer = await testTokenIssuer();
  const verifier = createTokenVerifier({
    issuer: tokenIssuer,
    audience: tokenAudience,
    loadJwks: async () => issuer.jwks,
  });
  const appApiToken = randomBytes(24).toString('base64url');
  const log = createLogger('profile', 'silent');
  const server: Server = await listen(buildApp({ service: 'profile', log, db, dapr, verifier, appApiToken }), 0);
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  async function call<T>(method: string, url: string, options: CallOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (options.as !== undefined) headers.authorization = `Bearer ${await issuer.token(options.as)}`;
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    if (options.sidecar) headers['dapr-api-token'] = appApiToken;
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${url}`, {
      method,
      headers,
      signal: AbortSignal.timeout(30_000),
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async function newUser(displayName = 'Test User'): Promise<string> {
    const userId = randomUUID();
    const username = `u_${userId.replaceAll('-', '').slice(0, 20)}`;
    const res = await call('POST', '/internal/profiles', { sidecar: true, body: { userId, username, displayName } });
    if (res.status !== 201) throw new Error(`creating a test profile answered ${res.status}`);
    return userId;
  }

  return {
    base,
    db,
    appApiToken,
    token: issuer.token,
    call,
    newUser,
    async close() {
      server.closeAllConnections();
      server.close();
      await db.destroy();
      await fresh.drop();
    },
  };
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export interface ProfileBody {
  userId: string;
  username: string;
  displayName: string;
  bio: string | null;
  imageUrl: string | null;
  createdAt: string;
  updatedAt: string;
  followers: number;
  following: number;
}

export interface PageBody {
  items: Array<{ userId: string; username: string; displayName: string; imageUrl: string | null; since: string }>;
  next: string | null;
}

/** The outbox rows of one topic, payloads parsed, oldest first. */
export async function outboxRows(db: Kysely<Database>, topic: string) {
  const rows = await db.selectFrom('outbox').selectAll().where('topic', '=', topic).orderBy('id').execute();
  return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}
