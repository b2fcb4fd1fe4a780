import type { MessageRow } from '../db/schema.ts';
import type { Attachment, MediaAttachment, MessageView } from './protocol.ts';

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

/** Text needs content; images and files need an upload (content is then an optional caption). */
export function contentProblem(kind: MessageView['kind'], content: string, hasUpload: boolean, maxChars: number) {
  if ([...content].length > maxChars) return `content is longer than ${maxChars} characters`;
  if (kind === 'text' && content.trim() === '') return 'a text message needs content';
  if (kind === 'text' && hasUpload) return 'a text message has no attachment (send it as an image or a file)';
  if (kind !== 'text' && !hasUpload) return `a ${kind} message needs an attachment: {mediaId} of an upload`;
  return undefined;
}

/** An image message must show an image; any upload may go as a file. */
export function uploadProblem(kind: MessageView['kind'], upload: MediaAttachment): string | undefined {
  return kind === 'image' && upload.kind !== 'image'
    ? `an image message needs an image; that upload is a ${upload.mimeType}`
    : undefined;
}
