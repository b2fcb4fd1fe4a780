import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import {
  encode,
  GroupMembersChangedSchema,
  MessageCreatedSchema,
  MessageUpdatedSchema,
  newEnvelope,
  topics,
} from '@soulchat/contracts';
import { appIds, enqueueEvent, type OutgoingEvent, outboxInsert } from '@soulchat/platform';
import type { Kysely, Transaction } from 'kysely';
import type { ConversationKind, Database, MessageRow } from '../db/schema.ts';

export interface CreatedMessage {
  row: MessageRow;
  memberIds: string[];
  conversationKind: ConversationKind;
  mentionIds: string[];
  /** The trace of the send that stored it (several sends share one transaction). */
  traceParent: string | null;
}

function messageCreated({ row, memberIds, conversationKind, mentionIds, traceParent }: CreatedMessage): OutgoingEvent {
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
    mentionIds,
  });
  return {
    eventId,
    topic: topics.messageCreated,
    partitionKey: row.conversation_id,
    payload: encode(MessageCreatedSchema, event),
    traceParent,
  };
}

/** The statement recording message.created for each message, in the transaction that stores them. */
export function messagesCreatedInsert(db: Kysely<Database>, messages: CreatedMessage[]) {
  return outboxInsert(db, messages.map(messageCreated));
}

export async function recordMessageUpdated(
  trx: Transaction<Database>,
  row: MessageRow,
  change: 'edited' | 'deleted' | 'reactions',
  reactions: Record<string, string[]>,
  memberIds: string[],
  eventId: string,
  /** With "deleted": the uploads the message showed, for the media service to remove. */
  mediaIds: string[] = [],
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
    mediaIds,
  });
  await enqueueEvent(trx, {
    eventId,
    topic: topics.messageUpdated,
    partitionKey: row.conversation_id,
    payload: encode(MessageUpdatedSchema, event),
  });
}

/** Records group.members_changed (who joined or left, and who did it) with the change itself. */
export async function recordMembersChanged(
  trx: Transaction<Database>,
  change: { conversationId: string; groupName: string; actorId: string; addedIds?: string[]; removedIds?: string[] },
): Promise<void> {
  const eventId = `group.members_changed:${randomUUID()}`;
  const event = create(GroupMembersChangedSchema, {
    envelope: newEnvelope(topics.groupMembersChanged, appIds.chat, eventId),
    conversationId: change.conversationId,
    groupName: change.groupName,
    actorId: change.actorId,
    addedIds: change.addedIds ?? [],
    removedIds: change.removedIds ?? [],
  });
  await enqueueEvent(trx, {
    eventId,
    topic: topics.groupMembersChanged,
    partitionKey: change.conversationId,
    payload: encode(GroupMembersChangedSchema, event),
  });
}
