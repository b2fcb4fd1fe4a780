import { decode, topics, UserDeletedSchema } from '@soulchat/contracts';
import { components, type DeliveredEvent, type DeliveryOutcome, type Subscription } from '@soulchat/platform';
import { userIdRule } from '../domain/rules.ts';
import type { UseCaseDeps } from '../usecases/deps.ts';
import { removeUser } from '../usecases/internal-profiles.ts';

const maxEventIdLength = 128;

/** The user and the id to deduplicate by, or a reason the event can never be applied. */
function readEvent(event: Partial<DeliveredEvent> | undefined): { userId: string; eventId: string } | string {
  if (!event || typeof event !== 'object') return 'not a CloudEvent';
  let message: ReturnType<typeof decode<typeof UserDeletedSchema>>;
  try {
    message = decode(UserDeletedSchema, event.data);
  } catch (err) {
    return (err as Error).message;
  }
  const userId = userIdRule.safeParse(message.userId);
  if (!userId.success) return 'user_id is not a user id';
  // Dapr gives each publish a fresh CloudEvent id; the envelope id survives an outbox re-publish.
  const eventId = message.envelope?.id || (typeof event.id === 'string' ? event.id : '');
  if (eventId === '' || eventId.length > maxEventIdLength) return 'no usable event id';
  return { userId: userId.data, eventId };
}

/** user.deleted: forget the account (profile, follows and blocks both ways), once per event. */
export function userDeletedSubscription(deps: UseCaseDeps): Subscription {
  return {
    pubsubname: components.pubsub,
    topic: topics.userDeleted,
    route: '/events/user-deleted',
    async handle(event): Promise<DeliveryOutcome> {
      const read = readEvent(event as Partial<DeliveredEvent> | undefined);
      if (typeof read === 'string') {
        deps.log.warn({ cloudEventId: event?.id, reason: read }, 'dropping malformed user.deleted event');
        return 'DROP';
      }
      try {
        const applied = await removeUser(deps, read.userId, read.eventId);
        deps.log.info({ ...read, applied }, applied ? 'user data removed' : 'user.deleted redelivered; ignored');
        return 'SUCCESS';
      } catch (err) {
        deps.log.error({ err, ...read }, 'user.deleted failed; Dapr will redeliver');
        return 'RETRY';
      }
    },
  };
}
