import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import path from 'node:path';
import { DaprWorkflowClient } from '@dapr/dapr';
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
import type { Kysely } from 'kysely';
import { freshDatabase } from '../../../tests/harness/database.ts';
import { sharedStack } from '../../../tests/harness/stack.ts';
import { buildApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import type { Database } from '../src/db/schema.ts';
import { activate, insertPendingUser } from '../src/db/users.repository.ts';
import { normaliseEmail } from '../src/domain/account.ts';
import { hashPassword } from '../src/security/passwords.ts';
import { createKeyRing, type KeyRing } from '../src/security/signing-keys.ts';

// As in the test stacks: every answer is checked against its route's documented schema.
setResponseChecks(true);
export interface UserTestContext {
  base: string;
  db: Kysely<Database>;
  keys: KeyRing;
  appApiToken: string;
  /** Creates an active account directly in the database (registration is tested end to end). */
  createAccount(overrides?: {
    password?: string;
  }): Promise<{ id: string; username: string; email: string; password: string }>;
  close(): Promise<void>;
}

/**
 * The user app in-process on a fresh, migrated database. The Dapr state store (login limits)
 * is the real one, through the shared stack's user sidecar.
 */
export async function startUserContext(env: Record<string, string> = {}): Promise<UserTestContext> {
  const fresh = await freshDatabase('user_test');
  const sidecar = sharedStack().apps.find((a) => a.id === 'user');
  if (!sidecar) throw new Error('the shared stack runs no user app');
  const appApiToken = randomUUID() + randomUUID();
  const config = readConfig({
    SERVICE_NAME: 'user',
    PORT: '1',
    DAPR_HTTP_PORT: String(sidecar.daprHttpPort),
    DAPR_GRPC_PORT: String(sidecar.daprGrpcPort),
    DAPR_API_TOKEN: sidecar.daprApiToken,
    APP_API_TOKEN: appApiToken,
    DATABASE_URL: fresh.url,
    ...env,
  });
  const db = createDatabase<Database>({ url: fresh.url, poolSize: 4 });
  await migrateToLatest(db, path.join(import.meta.dirname, '../src/db/migrations'));
  const keys = createKeyRing(db, {
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    leadSeconds: config.SIGNING_KEY_LEAD_SECONDS,
  });
  const verifier = createTokenVerifier({
    issuer: tokenIssuer,
    audience: tokenAudience,
    loadJwks: () => keys.jwks(),
    minRefreshMs: 0,
  });
  const dapr = createDaprClient({ httpPort: sidecar.daprHttpPort, apiToken: sidecar.daprApiToken });
  const grpc = { daprHost: '127.0.0.1', daprPort: String(sidecar.daprGrpcPort), daprApiToken: sidecar.daprApiToken };
  const workflows = new DaprWorkflowClient(grpc);
  const log = createLogger('user', 'silent');
  const server: Server = await listen(buildApp({ config, log, db, dapr, keys, verifier, workflows }), 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    base: `http://127.0.0.1:${port}`,
    db,
    keys,
    appApiToken,
    async createAccount(overrides = {}) {
      const id = randomUUID();
      const username = `u${id.slice(0, 8)}`;
      const email = `${username}@Example.test`;
      const password = overrides.password ?? 'a long enough password';
      await insertPendingUser(db, {
        id,
        registrationId: id,
        username,
        email,
        emailNormalized: normaliseEmail(email),
        passwordHash: await hashPassword(password),
        displayName: username,
      });
      await activate(db, id);
      return { id, username, email, password };
    },
    async close() {
      server.close();
      await workflows.stop();
      await db.destroy();
      await fresh.drop();
    },
  };
}
