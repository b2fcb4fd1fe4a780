import { decode, topics, UserDeletedSchema } from '@soulchat/contracts';
import { consumeEvents, firstDelivery, type Logger, type Subscription } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { removeBlocksOf } from '../db/blocks.repository.ts';
import { removeUserEverywhere } from '../db/conversations.repository.ts';
import type { Database } from '../db/schema.ts';

/**
 * A deleted user leaves every conversation and their blocks are forgotten; their past messages
 * stay, as the others saw them.
 */
export function userDeletedSubscription(db: Kysely<Database>, log: Logger): Subscription {
  return consumeEvents({
    topic: topics.userDeleted,
    log,
    decode: (data) => decode(UserDeletedSchema, data),
    apply: (event, eventId) =>
      db.transaction().execute(async (trx) => {
        if (!(await firstDelivery(trx, eventId))) return false;
        await removeUserEverywhere(trx, event.userId);
        await removeBlocksOf(trx, event.userId);
        return true;
      }),
  });
}
