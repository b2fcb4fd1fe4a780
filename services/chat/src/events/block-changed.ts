import { BlockChangedSchema, decode, topics } from '@soulchat/contracts';
import { consumeEvents, type Logger, type Subscription } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { applyBlockChange } from '../db/blocks.repository.ts';
import type { Database } from '../db/schema.ts';

/**
 * Keeps this service's copy of blocks, so a direct message is checked in its own database
 * instead of asking the profile service on every send. Applying is idempotent (newest wins).
 */
export function blockChangedSubscription(db: Kysely<Database>, log: Logger): Subscription {
  return consumeEvents({
    topic: topics.blockChanged,
    log,
    decode: (data) => {
      const event = decode(BlockChangedSchema, data);
      const changedAt = new Date(event.envelope?.occurredAt ?? '');
      if (!event.blockerId || !event.blockedId || Number.isNaN(changedAt.getTime()))
        throw new Error('block.changed needs both users and an occurredAt');
      return { ...event, changedAt };
    },
    apply: async (event) => {
      const { blockerId, blockedId, blocked, changedAt } = event;
      await applyBlockChange(db, { blockerId, blockedId, blocked, changedAt });
      return true;
    },
  });
}
