import { components, type DaprClient, EtagMismatchError, rateLimited } from '@soulchat/platform';
import { type FailureCounter, recordFailure, retryAfterSeconds } from '../domain/login-limits.ts';

export interface LoginLimits {
  maxPerAccount: number;
  maxPerClient: number;
  windowSeconds: number;
}

/**
 * Brute-force protection: failed logins are counted per account and per client address in the
 * Dapr state store (shared by every replica, expiring with the window). Over a limit: 429.
 */
export function createLoginGuard(dapr: DaprClient, limits: LoginLimits) {
  const windowMs = limits.windowSeconds * 1000;
  const accountKey = (identifier: string) => `login-fail:account:${identifier.toLowerCase()}`;
  const clientKey = (client: string) => `login-fail:client:${client}`;

  async function read(key: string) {
    return dapr.getState<FailureCounter>(components.state, key);
  }

  /** Read-modify-write with first-write-wins, retried when another replica wrote first. */
  async function bump(key: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await read(key);
      const next = recordFailure(current?.value, Date.now(), windowMs);
      try {
        await dapr.saveState(components.state, [
          {
            key,
            value: next,
            firstWrite: true,
            ttlSeconds: limits.windowSeconds,
            ...(current ? { etag: current.etag } : {}),
          },
        ]);
        return;
      } catch (err) {
        if (!(err instanceof EtagMismatchError)) throw err;
      }
    }
  }

  return {
    async check(identifier: string, client: string): Promise<void> {
      const now = Date.now();
      const [account, byClient] = await Promise.all([read(accountKey(identifier)), read(clientKey(client))]);
      const wait = Math.max(
        retryAfterSeconds(account?.value, limits.maxPerAccount, now, windowMs),
        retryAfterSeconds(byClient?.value, limits.maxPerClient, now, windowMs),
      );
      if (wait > 0) throw rateLimited(wait, 'too many failed logins, try again later');
    },
    async failed(identifier: string, client: string): Promise<void> {
      await Promise.all([bump(accountKey(identifier)), bump(clientKey(client))]);
    },
    async succeeded(identifier: string): Promise<void> {
      await dapr.deleteState(components.state, accountKey(identifier));
    },
  };
}

export type LoginGuard = ReturnType<typeof createLoginGuard>;
