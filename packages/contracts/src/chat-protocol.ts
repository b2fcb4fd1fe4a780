import { z } from 'zod';

/**
 * The chat WebSocket protocol, version 1: the one source of its frames for the chat service
 * (which validates client frames with it) and for clients (`@soulchat/client`). Every frame is a
 * JSON object with `v: 1` and a `type`. A client frame that fails validation gets an `error`
 * frame back and the connection stays open.
 */
export const protocolVersion = 1;

const id = z.string().min(1).max(36);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const clientMsgId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a client message id is 1-64 of [A-Za-z0-9_-]');

/** A send names an upload of the sender's (POST /media answers its id); nothing else is accepted. */
export const attachmentRef = z.strictObject({ mediaId: z.uuid() });

const mimeType = z
  .string()
  .regex(/^[\w.+-]+\/[\w.+-]+$/)
  .max(100);

/**
 * What a message shows of its upload, recorded when it is sent, so clients lay it out before
 * loading it. GET /media/{mediaId} gives a member short-lived links to the bytes.
 */
export const mediaAttachment = z.object({
  mediaId: z.string(),
  kind: z.enum(['image', 'file']),
  /** Read from the bytes, not the name. */
  mimeType,
  name: z.string(),
  size: z.number().int().min(0),
  /** Images: pixels after orientation (0 for files). */
  width: z.number().int().min(0),
  height: z.number().int().min(0),
  hasThumbnail: z.boolean(),
});

/** Messages stored before uploads existed carry the link their client gave. */
const linkAttachment = z.object({ url: z.string(), name: z.string(), size: z.number(), mimeType });

export const attachmentSchema = z.union([mediaAttachment, linkAttachment]);

export const sendFrame = z.strictObject({
  v: z.literal(protocolVersion),
  type: z.literal('send'),
  conversationId: id,
  clientMsgId,
  kind: z.enum(['text', 'image', 'file']).default('text'),
  content: z.string().max(100_000),
  attachment: attachmentRef.optional(),
  /** Members this message mentions (they are notified even when the group is muted). */
  mentions: z.array(id).max(50).optional(),
});

export const syncFrame = z.strictObject({
  v: z.literal(protocolVersion),
  type: z.literal('sync'),
  /** The last sequence the client holds per conversation; it receives everything after it. */
  cursors: z.record(id, seq),
});

export const readFrame = z.strictObject({
  v: z.literal(protocolVersion),
  type: z.literal('read'),
  conversationId: id,
  seq,
});

export const typingFrame = z.strictObject({
  v: z.literal(protocolVersion),
  type: z.literal('typing'),
  conversationId: id,
});

export const pingFrame = z.strictObject({ v: z.literal(protocolVersion), type: z.literal('ping') });

export const clientFrame = z.discriminatedUnion('type', [sendFrame, syncFrame, readFrame, typingFrame, pingFrame]);

export type ClientFrame = z.infer<typeof clientFrame>;
export type SendFrame = z.infer<typeof sendFrame>;
export type Attachment = z.infer<typeof attachmentSchema>;
export type MediaAttachment = z.infer<typeof mediaAttachment>;
export type AttachmentRef = z.infer<typeof attachmentRef>;

/** A stored message as clients see it, in `message` frames and in history. */
export const messageView = z.object({
  id: z.string(),
  conversationId: z.string(),
  seq: z.number().int(),
  senderId: z.string(),
  clientMsgId: z.string(),
  kind: z.enum(['text', 'image', 'file']),
  content: z.string(),
  attachment: attachmentSchema.nullable(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  deleted: z.boolean(),
});

/** A notification from the notification service, pushed to the user's connected devices. */
export const notificationView = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

const v = z.literal(protocolVersion);

export const serverFrame = z.discriminatedUnion('type', [
  z.object({ v, type: z.literal('ready'), userId: z.string(), instance: z.string() }),
  z.object({
    v,
    type: z.literal('ack'),
    clientMsgId: z.string(),
    conversationId: z.string(),
    messageId: z.string(),
    seq: z.number().int(),
    duplicate: z.boolean(),
  }),
  z.object({ v, type: z.literal('message'), message: messageView }),
  z.object({
    v,
    type: z.literal('synced'),
    cursors: z.record(z.string(), z.number().int()),
    /** Conversations of the sync the caller is no longer in: drop their cursors. */
    removed: z.array(z.string()).optional(),
  }),
  z.object({ v, type: z.literal('read'), conversationId: z.string(), userId: z.string(), seq: z.number().int() }),
  z.object({ v, type: z.literal('typing'), conversationId: z.string(), userId: z.string() }),
  z.object({
    v,
    type: z.literal('updated'),
    conversationId: z.string(),
    messageId: z.string(),
    seq: z.number().int(),
    change: z.string(),
    content: z.string(),
    editedAt: z.string().nullable(),
    reactions: z.record(z.string(), z.array(z.string())),
  }),
  z.object({ v, type: z.literal('notification'), notification: notificationView }),
  z.object({ v, type: z.literal('pong') }),
  z.object({ v, type: z.literal('error'), code: z.string(), message: z.string(), ref: z.string().optional() }),
]);

export type MessageView = z.infer<typeof messageView>;
export type NotificationView = z.infer<typeof notificationView>;
export type ServerFrame = z.infer<typeof serverFrame>;
