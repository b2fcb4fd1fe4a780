import { components, type DaprClient, type Logger } from '@soulchat/platform';
import type { ProfileView } from '../domain/profile.ts';

/** How long a cached profile may be served; it bounds staleness when an invalidation is lost. */
const ttlSeconds = 300;
/** Deletions sent to the state store at once when many profiles change together. */
const batchSize = 16;

const keyOf = (userId: string) => `profile:${userId}`;

export interface ProfileCache {
  get(userId: string): Promise<ProfileView | undefined>;
  put(view: ProfileView): Promise<void>;
  invalidate(userIds: Iterable<string>): Promise<void>;
}

/**
 * Profile views in the Dapr state store. The cache is an optimisation: when the store fails,
 * reads fall through to the database and writes go on, with a warning in the log.
 */
export function createProfileCache(dapr: DaprClient, log: Logger): ProfileCache {
  const store = components.state;

  async function get(userId: string): Promise<ProfileView | undefined> {
    try {
      const item = await dapr.getState<ProfileView>(store, keyOf(userId));
      // Anything but a view of this user (an old format, a foreign write) counts as a miss.
      return item?.value?.userId === userId ? item.value : undefined;
    } catch (err) {
      log.warn({ err, userId }, 'profile cache read failed; reading the database');
      return undefined;
    }
  }

  async function put(view: ProfileView): Promise<void> {
    try {
      await dapr.saveState(store, [{ key: keyOf(view.userId), value: view, ttlSeconds }]);
    } catch (err) {
      log.warn({ err, userId: view.userId }, 'profile cache write failed');
    }
  }

  async function drop(userId: string): Promise<void> {
    try {
      await dapr.deleteState(store, keyOf(userId));
    } catch (err) {
      log.error({ err, userId }, `profile cache invalidation failed; stale for up to ${ttlSeconds}s`);
    }
  }

  async function invalidate(userIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(userIds)];
    for (let i = 0; i < ids.length; i += batchSize) {
      await Promise.all(ids.slice(i, i + batchSize).map(drop));
    }
  }

  return { get, put, invalidate };
}
