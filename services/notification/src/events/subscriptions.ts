import {
  FollowCreatedSchema,
  GroupMembersChangedSchema,
  MessageCreatedSchema,
  topics,
  UserDeletedSchema,
  UserEmailChangedSchema,
  UserRegisteredSchema,
} from '@soulchat/contracts';
import type { Subscription } from '@soulchat/platform';
import type { NotificationDeps } from '../use-cases/deps.ts';
import {
  onFollowCreated,
  onGroupMembersChanged,
  onMessageCreated,
  onUserDeleted,
  onUserEmailChanged,
  onUserRegistered,
} from '../use-cases/events.ts';
import { consume } from './consumer.ts';

/** Every event the notification service turns into notifications (or, for user.deleted, removes). */
export function subscriptions(deps: NotificationDeps): Subscription[] {
  return [
    consume(
      deps,
      { topic: topics.userRegistered, route: '/events/user-registered', schema: UserRegisteredSchema },
      (e, id) => onUserRegistered(deps, e, id),
    ),
    consume(
      deps,
      { topic: topics.followCreated, route: '/events/follow-created', schema: FollowCreatedSchema },
      (e, id) => onFollowCreated(deps, e, id),
    ),
    consume(
      deps,
      { topic: topics.messageCreated, route: '/events/message-created', schema: MessageCreatedSchema },
      (e, id) => onMessageCreated(deps, e, id),
    ),
    consume(
      deps,
      { topic: topics.groupMembersChanged, route: '/events/group-members-changed', schema: GroupMembersChangedSchema },
      (e, id) => onGroupMembersChanged(deps, e, id),
    ),
    consume(
      deps,
      { topic: topics.userEmailChanged, route: '/events/user-email-changed', schema: UserEmailChangedSchema },
      (e, id) => onUserEmailChanged(deps, e, id),
    ),
    consume(deps, { topic: topics.userDeleted, route: '/events/user-deleted', schema: UserDeletedSchema }, (e, id) =>
      onUserDeleted(deps, e, id),
    ),
  ];
}
