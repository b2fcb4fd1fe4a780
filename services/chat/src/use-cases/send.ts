import { randomUUID } from 'node:crypto';
import { AppError, conflict, forbidden } from '@soulchat/platform';
import { findConversation, listMembers, nextSeq } from '../db/conversations.repository.ts';
import { findByClientId, findMessage, insertMessage } from '../db/messages.repository.ts';
import type { MessageRow } from '../db/schema.ts';
import { contentProblem, toView } from '../domain/message.ts';
import type { MessageView, SendFrame } from '../domain/protocol.ts';
import { recordMessageCreated } from '../events/outgoing.ts';
import { eitherBlocked, requireMember } from './access.ts';
import type { ChatDeps } from './deps.ts';

export type SendInput = Omit<SendFrame, 'v' | 'type'>;

export interface SendResult {
  message: MessageView;
  /** True when this client message id was stored before: the resend changed nothing. */
  duplicate: boolean;
}

const isDuplicate = (err: unknown) => (err as { code?: string }).code === 'ER_DUP_ENTRY';

function sameSend(existing: MessageRow, input: SendInput): SendResult {
  if (existing.conversation_id !== input.conversationId) {
    throw conflict('that client message id was already used in another conversation');
  }
  return { message: toView(existing), duplicate: true };
}

/** The distinct mentioned users; each must be a member, and mentioning oneself is dropped. */
function mentionedMembers(mentions: string[], members: string[], senderId: string): string[] {
  const unique = [...new Set(mentions)].filter((m) => m !== senderId);
  const outsider = unique.find((m) => !members.includes(m));
  if (outsider) throw new AppError('VALIDATION_FAILED', `mentions: ${outsider} is not a member of this conversation`);
  return unique;
}

/**
 * Stores a message exactly once per (sender, client message id), with the conversation's next
 * sequence number, and records message.created in the same transaction (the outbox).
 */
export async function sendMessage(deps: ChatDeps, senderId: string, input: SendInput): Promise<SendResult> {
  const { db, config } = deps;
  const earlier = await findByClientId(db, senderId, input.clientMsgId);
  if (earlier) return sameSend(earlier, input);
  const problem = contentProblem(input.kind, input.content, input.attachment, config.MESSAGE_MAX_CHARS);
  if (problem) throw new AppError('VALIDATION_FAILED', problem);
  await requireMember(db, input.conversationId, senderId);
  const conversation = await findConversation(db, input.conversationId);
  const members = (await listMembers(db, input.conversationId)).map((m) => m.user_id);
  const mentionIds = mentionedMembers(input.mentions ?? [], members, senderId);
  if (conversation?.kind === 'direct') {
    const other = members.find((m) => m !== senderId) ?? senderId;
    if (await eitherBlocked(deps.dapr, senderId, other)) throw forbidden('messages between these users are blocked');
  }
  const id = randomUUID();
  try {
    await db.transaction().execute(async (trx) => {
      const seq = await nextSeq(trx, input.conversationId);
      await insertMessage(trx, {
        id,
        conversationId: input.conversationId,
        seq,
        senderId,
        clientMsgId: input.clientMsgId,
        kind: input.kind,
        content: input.content,
        attachment: input.attachment ? JSON.stringify(input.attachment) : null,
      });
      const row = await findMessage(trx, id);
      if (!row) throw new Error('stored message vanished');
      await recordMessageCreated(trx, row, members, conversation?.kind ?? 'group', mentionIds);
    });
  } catch (err) {
    // A concurrent resend of the same client id won the race: answer with its message.
    if (!isDuplicate(err)) throw err;
    const winner = await findByClientId(db, senderId, input.clientMsgId);
    if (!winner) throw err;
    return sameSend(winner, input);
  }
  deps.nudgeRelay();
  deps.messageStored?.(input.kind);
  const stored = await findMessage(db, id);
  if (!stored) throw new Error('stored message vanished');
  return { message: toView(stored), duplicate: false };
}
