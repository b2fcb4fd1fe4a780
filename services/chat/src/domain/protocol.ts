import { z } from 'zod';

/**
 * The WebSocket protocol, version 1. Every frame is a JSON object with `v: 1` and a `type`.
 * Client frames are validated here; a frame that fails gets an `error` frame back and the
 * connection stays open.
 */
export const protocolVersion = 1;

const id = z.string().min(1).max(36);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const clientMsgId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a client message id is 1-64 of [A-Za-z0-9_-]');

export const attachmentSchema = z.strictObject({
  url: z.url({ protocol: /^https$/ }).max(2048),
  name: z.string().min(1).max(255),
  size: z.number().int().min(1),
  mimeType: z
    .string()
    .regex(/^[\w.+-]+\/[\w.+-]+$/)
    .max(100),
});

export const sendFrame = z.strictObject({
  v: z.literal(protocolVersion),
  type: z.literal('send'),
  conversationId: id,
  clientMsgId,
  kind: z.enum(['text', 'image', 'file']).default('text'),
  content: z.string().max(100_000),
  attachment: attachmentSchema.optional(),
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

/** A stored message as clients see it, in `message` frames and in history. */
export interface MessageView {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMsgId: string;
  kind: 'text' | 'image' | 'file';
  content: string;
  attachment: Attachment | null;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
}

/** A notification from the notification service, pushed to the user's connected devices. */
export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
}

export type ServerFrame =
  | { v: 1; type: 'ready'; userId: string; instance: string }
  | {
      v: 1;
      type: 'ack';
      clientMsgId: string;
      conversationId: string;
      messageId: string;
      seq: number;
      duplicate: boolean;
    }
  | { v: 1; type: 'message'; message: MessageView }
  | { v: 1; type: 'synced'; cursors: Record<string, number> }
  | { v: 1; type: 'read'; conversationId: string; userId: string; seq: number }
  | { v: 1; type: 'typing'; conversationId: string; userId: string }
  | {
      v: 1;
      type: 'updated';
      conversationId: string;
      messageId: string;
      seq: number;
      change: string;
      content: string;
      editedAt: string | null;
      reactions: Record<string, string[]>;
    }
  | { v: 1; type: 'notification'; notification: NotificationView }
  | { v: 1; type: 'pong' }
  | { v: 1; type: 'error'; code: string; message: string; ref?: string };

/** Parses one text frame; the error names what was wrong for the client's error frame. */
export function parseClientFrame(text: string): { frame: ClientFrame } | { code: string; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { code: 'BAD_FRAME', message: 'frame is not valid JSON' };
  }
  const type = (json as { type?: unknown } | null)?.type;
  const parsed = clientFrame.safeParse(json);
  if (parsed.success) return { frame: parsed.data };
  const issue = parsed.error.issues[0];
  const known = ['send', 'sync', 'read', 'typing', 'ping'].includes(String(type));
  if (!known) return { code: 'UNKNOWN_TYPE', message: `unknown frame type ${JSON.stringify(type ?? null)}` };
  return { code: 'VALIDATION_FAILED', message: `${issue?.path.join('.') || 'frame'}: ${issue?.message ?? 'invalid'}` };
}
