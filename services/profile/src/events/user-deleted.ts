import { decode, topics, UserDeletedSchema } from '@soulchat/contracts';
import { consumeEvents, type Subscription } from '@soulchat/platform';
import { userIdRule } from '../domain/rules.ts';
import type { UseCaseDeps } from '../usecases/deps.ts';
import { removeUser } from '../usecases/internal-profiles.ts';

/** user.deleted: forget the account (profile, follows and blocks both ways), once per event. */
export function userDeletedSubscription(deps: UseCaseDeps): Subscription {
  return consumeEvents({
    topic: topics.userDeleted,
    log: deps.log,
    decode: (data) => {
      const event = decode(UserDeletedSchema, data);
      if (!userIdRule.safeParse(event.userId).success) throw new Error('user_id is not a user id');
      return event;
    },
    apply: (event, eventId) => removeUser(deps, event.userId, eventId),
  });
}
