import type { MessageRow } from '../db/schema.ts';
import type { Attachment, MessageView } from './protocol.ts';

export function toView(row: MessageRow): MessageView {
  const deleted = row.deleted_at !== null;
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    clientMsgId: row.client_msg_id,
    kind: row.kind,
    // A recalled message keeps its place in the sequence but not its content.
    content: deleted ? '' : row.content,
    attachment: deleted || !row.attachment ? null : (JSON.parse(row.attachment) as Attachment),
    createdAt: new Date(row.created_at).toISOString(),
    editedAt: row.edited_at ? new Date(row.edited_at).toISOString() : null,
    deleted,
  };
}

/** Senders may edit or recall their own message for a while after sending it. */
export function withinEditWindow(createdAt: Date, now: Date, windowSeconds: number): boolean {
  return now.getTime() - createdAt.getTime() <= windowSeconds * 1000;
}

/** Text needs content; images and files need an attachment (content is an optional caption). */
export function contentProblem(
  kind: MessageView['kind'],
  content: string,
  attachment: Attachment | undefined,
  maxChars: number,
) {
  if ([...content].length > maxChars) return `content is longer than ${maxChars} characters`;
  if (kind === 'text' && content.trim() === '') return 'a text message needs content';
  if (kind !== 'text' && !attachment) return `a ${kind} message needs an attachment`;
  if (kind === 'image' && attachment && !attachment.mimeType.startsWith('image/'))
    return 'an image needs an image/* type';
  if (attachment && attachment.size > 100 * 1024 * 1024) return 'attachments are limited to 100 MiB';
  return undefined;
}
