import type { MessageView } from '@soulchat/client';

/** A message as the app shows it: stored (with a seq) or still on its way (pending, maybe failed). */
export interface ChatMessage extends MessageView {
  reactions: Record<string, string[]>;
  pending: boolean;
  failed?: string;
  /** A file still on its way to the server (the message goes out once it is stored). */
  uploading?: { name: string; size: number };
}

export const stored = (m: MessageView): ChatMessage => ({ ...m, reactions: {}, pending: false });

/** A send not yet acknowledged: shown at the end until the stored message replaces it. */
export function pendingMessage(conversationId: string, senderId: string, clientMsgId: string, content: string) {
  return {
    id: `pending-${clientMsgId}`,
    conversationId,
    seq: Number.MAX_SAFE_INTEGER,
    senderId,
    clientMsgId,
    kind: 'text',
    content,
    attachment: null,
    createdAt: new Date().toISOString(),
    editedAt: null,
    deleted: false,
    reactions: {},
    pending: true,
  } satisfies ChatMessage;
}

/** A file send not yet uploaded: shown at once, by the file's name and size, until it goes out. */
export function pendingUpload(
  conversationId: string,
  senderId: string,
  clientMsgId: string,
  caption: string,
  file: { name: string; size: number; type: string },
): ChatMessage {
  return {
    ...pendingMessage(conversationId, senderId, clientMsgId, caption),
    kind: file.type.startsWith('image/') ? 'image' : 'file',
    uploading: { name: file.name, size: file.size },
  };
}

/** A pending file send whose upload is stored: it shows the upload and goes out as its kind. */
export function attachToPending(
  current: ChatMessage[],
  clientMsgId: string,
  attachment: Extract<ChatMessage['attachment'], { mediaId: string }>,
): ChatMessage[] {
  return current.map((m) => {
    if (!m.pending || m.clientMsgId !== clientMsgId) return m;
    const { uploading: _done, ...rest } = m;
    return { ...rest, kind: attachment.kind, attachment };
  });
}

/**
 * One conversation's timeline after `incoming` arrived (history pages or live messages, in any
 * order, repeats included): each stored message once, in seq order, a pending send replaced by
 * its stored message (same client message id), pending sends last in the order they were made.
 */
export function mergeTimeline(current: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const bySeq = new Map<number, ChatMessage>();
  const pending: ChatMessage[] = [];
  for (const m of current) m.pending ? pending.push(m) : bySeq.set(m.seq, m);
  for (const m of incoming) {
    if (m.pending) pending.push(m);
    else bySeq.set(m.seq, { ...m, reactions: bySeq.get(m.seq)?.reactions ?? m.reactions });
  }
  const storedIds = new Set([...bySeq.values()].map((m) => m.clientMsgId));
  const waiting = pending.filter((m) => !storedIds.has(m.clientMsgId));
  return [...[...bySeq.values()].sort((a, b) => a.seq - b.seq), ...waiting];
}

/** Marks a pending send failed (refused for good: not a member, blocked, invalid). */
export function failPending(current: ChatMessage[], clientMsgId: string, reason: string): ChatMessage[] {
  return current.map((m) => (m.pending && m.clientMsgId === clientMsgId ? { ...m, failed: reason } : m));
}

export interface MessageChange {
  messageId: string;
  change: string;
  content: string;
  editedAt: string | null;
  reactions: Record<string, string[]>;
}

/** An edit, a recall or new reactions applied to the message they name (unknown ids: no change). */
export function applyChange(current: ChatMessage[], change: MessageChange): ChatMessage[] {
  return current.map((m) =>
    m.id === change.messageId
      ? {
          ...m,
          content: change.content,
          editedAt: change.editedAt,
          deleted: m.deleted || change.change === 'deleted',
          reactions: change.reactions,
        }
      : m,
  );
}

/** The highest seq every other member has read up to: "seen" for my messages at or below it. */
export function seenByOthers(readSeqs: Record<string, number>, me: string): number {
  const others = Object.entries(readSeqs).filter(([userId]) => userId !== me);
  return others.length === 0 ? 0 : Math.min(...others.map(([, seq]) => seq));
}
