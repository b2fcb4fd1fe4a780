import { components, type DaprClient, type Logger } from '@soulchat/platform';

const onlineKey = (userId: string) => `presence:${userId}`;
const lastSeenKey = (userId: string) => `lastseen:${userId}`;
const onlineTtlSeconds = 60;
/** Online marks are written together after this long: a burst of connects is a few writes, and
 * a user is seen online about as soon as when each connect wrote its own mark. */
const onlineFlushMs = 10;
const itemsPerWrite = 500;

/**
 * Presence in the Dapr state store: an "online" key with a TTL, refreshed while a device is
 * connected (so a crashed instance's users drop offline by themselves), and a last-seen time.
 */
export function createPresence(dapr: DaprClient, log: Logger, instance: string) {
  const store = components.state;
  const safely = (work: Promise<void>) => work.catch((err: unknown) => log.warn({ err }, 'presence update failed'));

  const pending = new Set<string>();
  let flushScheduled = false;

  function flushOnline(): void {
    flushScheduled = false;
    const at = new Date().toISOString();
    const items = [...pending].map((userId) => ({
      key: onlineKey(userId),
      value: { instance, at },
      ttlSeconds: onlineTtlSeconds,
    }));
    pending.clear();
    for (let i = 0; i < items.length; i += itemsPerWrite)
      void safely(dapr.saveState(store, items.slice(i, i + itemsPerWrite)));
  }

  return {
    /** Marks users online (again: the TTL restarts); written in batches shortly after. */
    online(userIds: Iterable<string>): void {
      for (const userId of userIds) pending.add(userId);
      if (flushScheduled) return;
      flushScheduled = true;
      setTimeout(flushOnline, onlineFlushMs);
    },
    offline(userId: string): void {
      // An online mark not yet written must not land after the user left.
      pending.delete(userId);
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
