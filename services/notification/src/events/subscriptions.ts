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
    consume(deps, topics.userRegistered, UserRegisteredSchema, onUserRegistered),
    consume(deps, topics.followCreated, FollowCreatedSchema, onFollowCreated),
    consume(deps, topics.messageCreated, MessageCreatedSchema, onMessageCreated),
    consume(deps, topics.groupMembersChanged, GroupMembersChangedSchema, onGroupMembersChanged),
    consume(deps, topics.userEmailChanged, UserEmailChangedSchema, onUserEmailChanged),
    consume(deps, topics.userDeleted, UserDeletedSchema, onUserDeleted),
  ];
}
