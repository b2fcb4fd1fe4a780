import { components, type DaprClient, type Logger } from '@soulchat/platform';

const onlineKey = (userId: string) => `presence:${userId}`;
const lastSeenKey = (userId: string) => `lastseen:${userId}`;
const onlineTtlSeconds = 60;

/**
 * Presence in the Dapr state store: an "online" key with a TTL, refreshed while a device is
 * connected (so a crashed instance's users drop offline by themselves), and a last-seen time.
 */
export function createPresence(dapr: DaprClient, log: Logger, instance: string) {
  const store = components.state;
  const safely = (work: Promise<void>) => work.catch((err: unknown) => log.warn({ err }, 'presence update failed'));

  return {
    online(userId: string): void {
      void safely(
        dapr.saveState(store, [
          { key: onlineKey(userId), value: { instance, at: new Date().toISOString() }, ttlSeconds: onlineTtlSeconds },
        ]),
      );
    },
    offline(userId: string): void {
      void safely(
        (async () => {
          // Last seen first: whoever reads "offline" then also finds when the user was last here.
          await dapr.saveState(store, [{ key: lastSeenKey(userId), value: new Date().toISOString() }]);
          await dapr.deleteState(store, onlineKey(userId));
        })(),
      );
    },
    async read(userIds: string[]) {
      return Promise.all(
        userIds.map(async (userId) => {
          const [online, lastSeen] = await Promise.all([
            dapr.getState<unknown>(store, onlineKey(userId)),
            dapr.getState<string>(store, lastSeenKey(userId)),
          ]);
          return { userId, online: online !== undefined, lastSeen: online ? null : (lastSeen?.value ?? null) };
        }),
      );
    },
    ttlSeconds: onlineTtlSeconds,
  };
}

export type Presence = ReturnType<typeof createPresence>;
