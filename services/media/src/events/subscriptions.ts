import { decode, MessageUpdatedSchema, topics, UserDeletedSchema } from '@soulchat/contracts';
import { consumeEvents, type Subscription } from '@soulchat/platform';
import type { MediaDeps } from '../use-cases/deps.ts';
import { removeMessageMedia, removeUserMedia } from '../use-cases/remove.ts';

/**
 * A recalled message takes its uploads with it; a deleted account all of its uploads. Removing
 * is idempotent, so a redelivery finds nothing left and changes nothing.
 */
export function mediaSubscriptions(deps: MediaDeps): Subscription[] {
  return [
    consumeEvents({
      topic: topics.messageUpdated,
      log: deps.log,
      decode: (data) => decode(MessageUpdatedSchema, data),
      apply: async (event) =>
        event.change === 'deleted' && event.mediaIds.length > 0
          ? removeMessageMedia(deps, event.mediaIds, event.conversationId)
          : true,
    }),
    consumeEvents({
      topic: topics.userDeleted,
      log: deps.log,
      decode: (data) => decode(UserDeletedSchema, data),
      apply: (event) => removeUserMedia(deps, event.userId),
    }),
  ];
}
