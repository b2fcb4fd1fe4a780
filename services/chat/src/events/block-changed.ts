import { BlockChangedSchema, decode, topics } from '@soulchat/contracts';
import { components, type DeliveredEvent, type Logger, type Subscription } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { applyBlockChange } from '../db/blocks.repository.ts';
import type { Database } from '../db/schema.ts';

/**
 * Keeps this service's copy of blocks, so a direct message is checked in its own database
 * instead of asking the profile service on every send. Applying is idempotent (newest wins).
 */
export function blockChangedSubscription(db: Kysely<Database>, log: Logger): Subscription {
  return {
    pubsubname: components.pubsub,
    topic: topics.blockChanged,
    route: '/events/block-changed',
    async handle(event: DeliveredEvent) {
      let change: Parameters<typeof applyBlockChange>[1];
      try {
        const e = decode(BlockChangedSchema, event.data);
        const changedAt = new Date(e.envelope?.occurredAt ?? '');
        if (!e.blockerId || !e.blockedId || Number.isNaN(changedAt.getTime())) throw new Error('missing fields');
        change = { blockerId: e.blockerId, blockedId: e.blockedId, blocked: e.blocked, changedAt };
      } catch (err) {
        log.warn({ err, id: event.id }, 'dropping malformed block.changed');
        return 'DROP';
      }
      await applyBlockChange(db, change);
      return 'SUCCESS';
    },
  };
}
