import { AppError, forbidden, notFound } from '@soulchat/platform';
import { advanceRead, findConversation, listMembers } from '../db/conversations.repository.ts';
import {
  addReaction,
  editMessage,
  findMessage,
  messagesBefore,
  messagesBetween,
  reactionsOf,
  recallMessage,
  removeReaction,
} from '../db/messages.repository.ts';
import type { MessageRow } from '../db/schema.ts';
import { toView, withinEditWindow } from '../domain/message.ts';
import type { MessageView } from '../domain/protocol.ts';
import { recordMessageUpdated } from '../events/outgoing.ts';
import { requireMember } from './access.ts';
import type { ChatDeps } from './deps.ts';

/** History by sequence: after `after` (forward, for gap fill) or before `before` (scrolling back). */
export async function history(
  deps: ChatDeps,
  userId: string,
  conversationId: string,
  range: { after?: number | undefined; before?: number | undefined; limit: number },
): Promise<{ items: MessageView[]; lastSeq: number }> {
  await requireMember(deps.db, conversationId, userId);
  const conversation = await findConversation(deps.db, conversationId);
  const lastSeq = Number(conversation?.last_seq ?? 0);
  const rows =
    range.before !== undefined
      ? await messagesBefore(deps.db, conversationId, range.before, range.limit)
      : await messagesBetween(deps.db, conversationId, range.after ?? 0, lastSeq, range.limit);
  return { items: rows.map(toView), lastSeq };
}

async function ownMessage(deps: ChatDeps, messageId: string, userId: string): Promise<MessageRow> {
  const row = await findMessage(deps.db, messageId);
  if (!row) throw notFound('message');
  await requireMember(deps.db, row.conversation_id, userId);
  if (row.sender_id !== userId) throw forbidden('only the sender may change a message');
  if (row.deleted_at) throw new AppError('CONFLICT', 'the message was recalled');
  if (!withinEditWindow(new Date(row.created_at), new Date(), deps.config.EDIT_WINDOW_SECONDS)) {
    throw forbidden('the edit window for this message has closed');
  }
  return row;
}

async function publishChange(
  deps: ChatDeps,
  messageId: string,
  change: 'edited' | 'deleted' | 'reactions',
  eventId: string,
) {
  await deps.db.transaction().execute(async (trx) => {
    const row = await findMessage(trx, messageId);
    if (!row) return;
    const members = (await listMembers(trx, row.conversation_id)).map((m) => m.user_id);
    await recordMessageUpdated(trx, row, change, await reactionsOf(trx, messageId), members, eventId);
  });
  deps.nudgeRelay();
}

export async function edit(deps: ChatDeps, userId: string, messageId: string, content: string): Promise<MessageView> {
  await ownMessage(deps, messageId, userId);
  if (content.trim() === '' || [...content].length > deps.config.MESSAGE_MAX_CHARS) {
    throw new AppError('VALIDATION_FAILED', `content must be 1-${deps.config.MESSAGE_MAX_CHARS} characters`);
  }
  await editMessage(deps.db, messageId, content);
  await publishChange(deps, messageId, 'edited', `message.edited:${messageId}:${Date.now()}`);
  return toView((await findMessage(deps.db, messageId)) as MessageRow);
}

export async function recall(deps: ChatDeps, userId: string, messageId: string): Promise<void> {
  await ownMessage(deps, messageId, userId);
  await recallMessage(deps.db, messageId);
  await publishChange(deps, messageId, 'deleted', `message.deleted:${messageId}`);
}

export async function react(deps: ChatDeps, userId: string, messageId: string, emoji: string, on: boolean) {
  const row = await findMessage(deps.db, messageId);
  if (!row) throw notFound('message');
  await requireMember(deps.db, row.conversation_id, userId);
  if (on) await addReaction(deps.db, messageId, userId, emoji);
  else await removeReaction(deps.db, messageId, userId, emoji);
  await publishChange(deps, messageId, 'reactions', `message.reactions:${messageId}:${userId}:${Date.now()}`);
  return reactionsOf(deps.db, messageId);
}

export async function markRead(deps: ChatDeps, userId: string, conversationId: string, seq: number): Promise<number> {
  await requireMember(deps.db, conversationId, userId);
  const conversation = await findConversation(deps.db, conversationId);
  const capped = Math.min(seq, Number(conversation?.last_seq ?? 0));
  await advanceRead(deps.db, conversationId, userId, capped);
  return capped;
}
