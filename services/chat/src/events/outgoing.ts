import { create } from '@bufbuild/protobuf';
import { encode, MessageCreatedSchema, MessageUpdatedSchema, newEnvelope, topics } from '@soulchat/contracts';
import { appIds, enqueueEvent } from '@soulchat/platform';
import type { Transaction } from 'kysely';
import type { ConversationKind, Database, MessageRow } from '../db/schema.ts';

/** Records message.created with the message, in the transaction that stores it. */
export async function recordMessageCreated(
  trx: Transaction<Database>,
  row: MessageRow,
  memberIds: string[],
  conversationKind: ConversationKind,
): Promise<void> {
  const eventId = `message.created:${row.id}`;
  const event = create(MessageCreatedSchema, {
    envelope: newEnvelope(topics.messageCreated, appIds.chat, eventId),
    messageId: row.id,
    conversationId: row.conversation_id,
    seq: BigInt(row.seq),
    senderId: row.sender_id,
    kind: row.kind,
    content: row.content,
    attachmentJson: row.attachment ?? '',
    createdAt: new Date(row.created_at).toISOString(),
    memberIds,
    conversationKind,
    clientMsgId: row.client_msg_id,
  });
  await enqueueEvent(trx, {
    eventId,
    topic: topics.messageCreated,
    partitionKey: row.conversation_id,
    payload: encode(MessageCreatedSchema, event),
  });
}

export async function recordMessageUpdated(
  trx: Transaction<Database>,
  row: MessageRow,
  change: 'edited' | 'deleted' | 'reactions',
  reactions: Record<string, string[]>,
  memberIds: string[],
  eventId: string,
): Promise<void> {
  const event = create(MessageUpdatedSchema, {
    envelope: newEnvelope(topics.messageUpdated, appIds.chat, eventId),
    messageId: row.id,
    conversationId: row.conversation_id,
    seq: BigInt(row.seq),
    change,
    content: row.deleted_at ? '' : row.content,
    editedAt: row.edited_at ? new Date(row.edited_at).toISOString() : '',
    reactionsJson: JSON.stringify(reactions),
    memberIds,
  });
  await enqueueEvent(trx, {
    eventId,
    topic: topics.messageUpdated,
    partitionKey: row.conversation_id,
    payload: encode(MessageUpdatedSchema, event),
  });
}
