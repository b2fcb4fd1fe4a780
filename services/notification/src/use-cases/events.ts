import { create } from '@bufbuild/protobuf';
import {
  ConversationMembersResponseSchema,
  decode,
  encode,
  type FollowCreated,
  type GroupMembersChanged,
  type MessageCreated,
  PresenceRequestSchema,
  PresenceResponseSchema,
  type UserDeleted,
  type UserEmailChanged,
  type UserRegistered,
} from '@soulchat/contracts';
import { appIds, firstDelivery } from '@soulchat/platform';
import { contactsOf, setEmail, upsertContact } from '../db/contacts.repository.ts';
import { removeUserData } from '../db/notifications.repository.ts';
import { deletedAmong, recordDeletedUser } from '../db/retention.repository.ts';
import { preview } from '../domain/templates.ts';
import type { NotificationDeps } from './deps.ts';
import { type Draft, notifyOnce } from './notify.ts';

/** Usernames to show for these users; someone the service never heard of shows as "Someone". */
async function namesOf(deps: NotificationDeps, userIds: string[]): Promise<(id: string) => string> {
  const contacts = await contactsOf(deps.db, [...new Set(userIds)]);
  return (id) => contacts.get(id)?.username ?? 'Someone';
}

export async function onUserRegistered(deps: NotificationDeps, e: UserRegistered, eventId: string): Promise<boolean> {
  const welcome: Draft = {
    userId: e.userId,
    template: { kind: 'welcome', username: e.username },
    data: { userId: e.userId },
  };
  // A registration replayed after the account was deleted recreates nothing.
  if ((await deletedAmong(deps.db, [e.userId])).size > 0) return notifyOnce(deps, eventId, []);
  return notifyOnce(deps, eventId, [welcome], (trx) =>
    upsertContact(trx, { user_id: e.userId, username: e.username, email: e.email }),
  );
}

export async function onFollowCreated(deps: NotificationDeps, e: FollowCreated, eventId: string): Promise<boolean> {
  const name = await namesOf(deps, [e.followerId]);
  return notifyOnce(deps, eventId, [
    {
      userId: e.followingId,
      template: { kind: 'follower', followerName: name(e.followerId) },
      data: { followerId: e.followerId },
    },
  ]);
}

/** Which of these users have no device connected, asked of the chat service through Dapr. */
async function offline(deps: NotificationDeps, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const body = encode(PresenceRequestSchema, create(PresenceRequestSchema, { userIds }));
  const answer = decode(PresenceResponseSchema, await deps.dapr.invoke(appIds.chat, 'internal/presence', { body }));
  const online = new Set(answer.users.filter((u) => u.online).map((u) => u.userId));
  return userIds.filter((id) => !online.has(id));
}

/** A conversation's name and members, from the chat service through Dapr. */
export async function conversation(deps: NotificationDeps, conversationId: string) {
  const path = `internal/conversations/${encodeURIComponent(conversationId)}/members`;
  return decode(ConversationMembersResponseSchema, await deps.dapr.invoke(appIds.chat, path));
}

/** Direct messages to a recipient who is away, and mentions in groups (online or not). */
export async function onMessageCreated(deps: NotificationDeps, e: MessageCreated, eventId: string): Promise<boolean> {
  const data = { conversationId: e.conversationId, messageId: e.messageId, seq: Number(e.seq), senderId: e.senderId };
  const text = preview(e.content, e.kind);
  const name = await namesOf(deps, [e.senderId]);
  let drafts: Draft[];
  if (e.conversationKind === 'direct') {
    const away = await offline(
      deps,
      e.memberIds.filter((m) => m !== e.senderId),
    );
    drafts = away.map((userId) => ({
      userId,
      template: { kind: 'message', senderName: name(e.senderId), preview: text },
      data,
    }));
  } else {
    const mentioned = e.mentionIds.filter((m) => m !== e.senderId && e.memberIds.includes(m));
    const groupName = mentioned.length > 0 ? (await conversation(deps, e.conversationId)).name : '';
    drafts = mentioned.map((userId) => ({
      userId,
      template: { kind: 'mention', senderName: name(e.senderId), groupName, preview: text },
      data,
    }));
  }
  // A message with nobody to tell is still recorded as handled, so a redelivery stays cheap.
  return notifyOnce(deps, eventId, drafts);
}

export async function onGroupMembersChanged(
  deps: NotificationDeps,
  e: GroupMembersChanged,
  eventId: string,
): Promise<boolean> {
  const name = await namesOf(deps, [e.actorId]);
  const data = { conversationId: e.conversationId, actorId: e.actorId };
  const tell = (change: 'added' | 'removed') => (userId: string) => ({
    userId,
    template: { kind: 'group' as const, change, actorName: name(e.actorId), groupName: e.groupName },
    data,
  });
  // Nobody is told about their own doing (a member who left, say).
  const drafts = [
    ...e.addedIds.filter((id) => id !== e.actorId).map(tell('added')),
    ...e.removedIds.filter((id) => id !== e.actorId).map(tell('removed')),
  ];
  return notifyOnce(deps, eventId, drafts);
}

/** New address for future emails; waits (retried) until user.registered brought the contact. */
export async function onUserEmailChanged(
  deps: NotificationDeps,
  e: UserEmailChanged,
  eventId: string,
): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    if (!(await firstDelivery(trx, eventId))) return false;
    if (await setEmail(trx, e.userId, e.email)) return true;
    // The account is gone: nothing to update, and nothing to wait for.
    if ((await deletedAmong(trx, [e.userId])).size > 0) return true;
    throw new Error('contact not known yet; retry after user.registered');
  });
}

export async function onUserDeleted(deps: NotificationDeps, e: UserDeleted, eventId: string): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    if (!(await firstDelivery(trx, eventId))) return false;
    await removeUserData(trx, e.userId);
    await recordDeletedUser(trx, e.userId, new Date());
    return true;
  });
}
