import { decode, topics, UserDeletedSchema } from '@soulchat/contracts';
import { components, type DeliveredEvent, firstDelivery, type Logger, type Subscription } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { removeBlocksOf } from '../db/blocks.repository.ts';
import { removeUserEverywhere } from '../db/conversations.repository.ts';
import type { Database } from '../db/schema.ts';

/**
 * A deleted user leaves every conversation and their blocks are forgotten; their past messages
 * stay, as the others saw them.
 */
export function userDeletedSubscription(db: Kysely<Database>, log: Logger): Subscription {
  return {
    pubsubname: components.pubsub,
    topic: topics.userDeleted,
    route: '/events/user-deleted',
    async handle(event: DeliveredEvent) {
      let userId: string;
      let eventId: string;
      try {
        const e = decode(UserDeletedSchema, event.data);
        userId = e.userId;
        eventId = e.envelope?.id || event.id;
      } catch (err) {
        log.warn({ err, id: event.id }, 'dropping malformed user.deleted');
        return 'DROP';
      }
      await db.transaction().execute(async (trx) => {
        if (!(await firstDelivery(trx, eventId))) return;
        await removeUserEverywhere(trx, userId);
        await removeBlocksOf(trx, userId);
      });
      return 'SUCCESS';
    },
  };
}
