import { randomUUID } from 'node:crypto';
import { create, type DescMessage, fromJson, type JsonValue, type MessageShape, toJson } from '@bufbuild/protobuf';
import { type EventEnvelope, EventEnvelopeSchema } from './gen/soulchat/events/v1/envelope_pb.ts';

export * from './gen/soulchat/chat/v1/internal_pb.ts';
export * from './gen/soulchat/events/v1/block_changed_pb.ts';
export * from './gen/soulchat/events/v1/chat_signal_pb.ts';
export * from './gen/soulchat/events/v1/envelope_pb.ts';
export * from './gen/soulchat/events/v1/follow_created_pb.ts';
export * from './gen/soulchat/events/v1/group_members_changed_pb.ts';
export * from './gen/soulchat/events/v1/message_created_pb.ts';
export * from './gen/soulchat/events/v1/message_updated_pb.ts';
export * from './gen/soulchat/events/v1/notification_created_pb.ts';
export * from './gen/soulchat/events/v1/profile_updated_pb.ts';
export * from './gen/soulchat/events/v1/user_deleted_pb.ts';
export * from './gen/soulchat/events/v1/user_email_changed_pb.ts';
export * from './gen/soulchat/events/v1/user_registered_pb.ts';
export * from './gen/soulchat/media/v1/internal_pb.ts';
export * from './gen/soulchat/profile/v1/internal_pb.ts';

/** Topic names, defined once; each carries the event message of the same name. */
export const topics = {
  userRegistered: 'user.registered',
  userDeleted: 'user.deleted',
  userEmailChanged: 'user.email_changed',
  followCreated: 'follow.created',
  blockChanged: 'block.changed',
  profileUpdated: 'profile.updated',
  messageCreated: 'message.created',
  messageUpdated: 'message.updated',
  chatSignal: 'chat.signal',
  groupMembersChanged: 'group.members_changed',
  notificationCreated: 'notification.created',
} as const;

export type Topic = (typeof topics)[keyof typeof topics];

export class ContractError extends Error {
  override name = 'ContractError';
}

/** Reads a contract message from JSON on the wire; unknown fields or wrong types throw. */
export function decode<Desc extends DescMessage>(schema: Desc, json: unknown): MessageShape<Desc> {
  try {
    return fromJson(schema, json as JsonValue);
  } catch (err) {
    throw new ContractError(`invalid ${schema.typeName}: ${(err as Error).message}`);
  }
}

/** Writes a contract message as proto3 JSON (lowerCamelCase names, defaults omitted). */
export function encode<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): JsonValue {
  return toJson(schema, message, { alwaysEmitImplicit: true });
}

/**
 * The envelope for a new event. Pass a deterministic `id` when the same change may be
 * recorded twice (a retried saga step), so consumers see one event, not two.
 */
export function newEnvelope(type: Topic, source: string, id: string = randomUUID()): EventEnvelope {
  return create(EventEnvelopeSchema, { id, type, source, occurredAt: new Date().toISOString() });
}
