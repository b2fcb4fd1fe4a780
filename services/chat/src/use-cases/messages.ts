import { AppError, forbidden, notFound } from '@soulchat/platform';
import type { Transaction } from 'kysely';
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
import type { Database, MessageRow } from '../db/schema.ts';
import { toView, withinEditWindow } from '../domain/message.ts';
import type { MessageView } from '../domain/protocol.ts';
import { recordMessageUpdated } from '../events/outgoing.ts';
import { requireMember } from './access.ts';
import type { ChatDeps } from './deps.ts';
import { mediaIdsOf } from './media.ts';

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

/**
 * Applies a change to a message and records its message.updated event in one transaction, so a
 * crash cannot keep the change and lose the event (devices would never hear of it) or the reverse.
 */
async function changeMessage(
  deps: ChatDeps,
  messageId: string,
  change: 'edited' | 'deleted' | 'reactions',
  eventId: string,
  apply: (trx: Transaction<Database>) => Promise<void>,
) {
  await deps.db.transaction().execute(async (trx) => {
    // A recall clears the attachment; the event still names its uploads, for their removal.
    const uploads = change === 'deleted' ? mediaIdsOf((await findMessage(trx, messageId))?.attachment ?? null) : [];
    await apply(trx);
    const row = await findMessage(trx, messageId);
    if (!row) return;
    const members = (await listMembers(trx, row.conversation_id)).map((m) => m.user_id);
    await recordMessageUpdated(trx, row, change, await reactionsOf(trx, messageId), members, eventId, uploads);
  });
  deps.nudgeRelay();
}

export async function edit(deps: ChatDeps, userId: string, messageId: string, content: string): Promise<MessageView> {
  await ownMessage(deps, messageId, userId);
  if (content.trim() === '' || [...content].length > deps.config.MESSAGE_MAX_CHARS) {
    throw new AppError('VALIDATION_FAILED', `content must be 1-${deps.config.MESSAGE_MAX_CHARS} characters`);
  }
  await changeMessage(deps, messageId, 'edited', `message.edited:${messageId}:${Date.now()}`, (trx) =>
    editMessage(trx, messageId, content),
  );
  return toView((await findMessage(deps.db, messageId)) as MessageRow);
}

export async function recall(deps: ChatDeps, userId: string, messageId: string): Promise<void> {
  await ownMessage(deps, messageId, userId);
  await changeMessage(deps, messageId, 'deleted', `message.deleted:${messageId}`, (trx) =>
    recallMessage(trx, messageId),
  );
}

export async function react(deps: ChatDeps, userId: string, messageId: string, emoji: string, on: boolean) {
  const row = await findMessage(deps.db, messageId);
  if (!row) throw notFound('message');
  await requireMember(deps.db, row.conversation_id, userId);
  const eventId = `message.reactions:${messageId}:${userId}:${Date.now()}`;
  await changeMessage(deps, messageId, 'reactions', eventId, (trx) =>
    on ? addReaction(trx, messageId, userId, emoji) : removeReaction(trx, messageId, userId, emoji),
  );
  return reactionsOf(deps.db, messageId);
}

export async function markRead(deps: ChatDeps, userId: string, conversationId: string, seq: number): Promise<number> {
  await requireMember(deps.db, conversationId, userId);
  const conversation = await findConversation(deps.db, conversationId);
  const capped = Math.min(seq, Number(conversation?.last_seq ?? 0));
  await advanceRead(deps.db, conversationId, userId, capped);
  return capped;
}
