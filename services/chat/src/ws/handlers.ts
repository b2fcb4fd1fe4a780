import { AppError, inUseCase } from '@soulchat/platform';
import { findMember, listMembers } from '../db/conversations.repository.ts';
import { messagesBetween } from '../db/messages.repository.ts';
import { toView } from '../domain/message.ts';
import { type ClientFrame, parseClientFrame } from '../domain/protocol.ts';
import { requireMember } from '../use-cases/access.ts';
import type { ChatDeps } from '../use-cases/deps.ts';
import { markRead } from '../use-cases/messages.ts';
import { sendMessage } from '../use-cases/send.ts';
import type { ClientConnection } from './connection.ts';

/** Shares typing and read signals with every instance; they are not stored. */
export type SignalPublisher = (signal: {
  conversationId: string;
  userId: string;
  kind: 'typing' | 'read';
  seq: number;
  memberIds: string[];
}) => Promise<void>;

const syncPageSize = 500;

export interface FrameHandlerDeps extends ChatDeps {
  publishSignal: SignalPublisher;
}

/** Handles one text frame from a client; failures become error frames, never a closed socket. */
export async function handleFrame(deps: FrameHandlerDeps, conn: ClientConnection, text: string): Promise<void> {
  const receivedAt = performance.now();
  if (!conn.allowFrame()) {
    conn.send({ v: 1, type: 'error', code: 'RATE_LIMITED', message: 'too many frames; slow down' });
    return;
  }
  const parsed = parseClientFrame(text);
  if ('code' in parsed) {
    conn.send({ v: 1, type: 'error', code: parsed.code, message: parsed.message });
    return;
  }
  const frame = parsed.frame;
  try {
    // Each frame is a use case of its own: a span (root of the trace a message starts) tagged
    // with who and where, never the content.
    if (frame.type === 'ping') await dispatch(deps, conn, frame);
    else
      await inUseCase(deps.config.SERVICE_NAME, `ws.${frame.type}`, frameAttributes(conn, frame), () =>
        dispatch(deps, conn, frame, receivedAt),
      );
  } catch (err) {
    const ref = frame.type === 'send' ? { ref: frame.clientMsgId } : {};
    if (err instanceof AppError) {
      conn.send({ v: 1, type: 'error', code: err.code, message: err.message, ...ref });
      return;
    }
    deps.log.error({ err, frame: frame.type }, 'frame failed');
    conn.send({ v: 1, type: 'error', code: 'INTERNAL', message: 'could not handle the frame; retry', ...ref });
  }
}

function frameAttributes(conn: ClientConnection, frame: ClientFrame): Record<string, string> {
  return {
    'user.id': conn.userId,
    ...('conversationId' in frame ? { 'conversation.id': frame.conversationId } : {}),
    ...(frame.type === 'send' ? { 'message.client_id': frame.clientMsgId } : {}),
  };
}

async function dispatch(
  deps: FrameHandlerDeps,
  conn: ClientConnection,
  frame: ClientFrame,
  receivedAt = performance.now(),
): Promise<void> {
  switch (frame.type) {
    case 'ping':
      conn.send({ v: 1, type: 'pong' });
      return;
    case 'send': {
      const { v: _v, type: _t, ...input } = frame;
      const result = await sendMessage(deps, conn.userId, input);
      const since = () => (performance.now() - receivedAt) / 1000;
      deps.stage?.('stored', since());
      conn.send({
        v: 1,
        type: 'ack',
        clientMsgId: frame.clientMsgId,
        conversationId: result.message.conversationId,
        messageId: result.message.id,
        seq: result.message.seq,
        duplicate: result.duplicate,
      });
      deps.stage?.('acked', since());
      return;
    }
    case 'sync':
      await sync(deps, conn, frame.cursors);
      return;
    case 'read': {
      const seq = await markRead(deps, conn.userId, frame.conversationId, frame.seq);
      const memberIds = (await listMembers(deps.db, frame.conversationId)).map((m) => m.user_id);
      await deps.publishSignal({
        conversationId: frame.conversationId,
        userId: conn.userId,
        kind: 'read',
        seq,
        memberIds,
      });
      return;
    }
    case 'typing': {
      await requireMember(deps.db, frame.conversationId, conn.userId);
      const memberIds = (await listMembers(deps.db, frame.conversationId)).map((m) => m.user_id);
      await deps.publishSignal({
        conversationId: frame.conversationId,
        userId: conn.userId,
        kind: 'typing',
        seq: 0,
        memberIds,
      });
      return;
    }
  }
}

/**
 * Gap fill: everything after the client's cursor, in order, page by page. It runs in the
 * connection's queue, so live messages arriving meanwhile wait and are not sent twice. It is
 * queued before anything is awaited (the membership checks run inside it): live messages held
 * at connect must not be let through ahead of it, or the range before them would be skipped.
 */
/**
 * Sends each conversation's messages after the client's cursor. A conversation the caller no
 * longer belongs to (left, removed, deleted) is named in `removed`, so a client drops its cursor
 * instead of having every later sync refused because of one stale conversation.
 */
async function sync(deps: ChatDeps, conn: ClientConnection, cursors: Record<string, number>): Promise<void> {
  const done = conn.enqueue(async () => {
    const reached: Record<string, number> = {};
    const removed: string[] = [];
    for (const [conversationId, after] of Object.entries(cursors)) {
      if (!(await findMember(deps.db, conversationId, conn.userId))) {
        removed.push(conversationId);
        continue;
      }
      let position = after;
      for (;;) {
        const rows = await messagesBetween(deps.db, conversationId, position, Number.MAX_SAFE_INTEGER, syncPageSize);
        conn.catchUp(conversationId, position, rows.map(toView));
        position = Math.max(position, conn.position(conversationId) ?? position);
        if (rows.length < syncPageSize) break;
      }
      reached[conversationId] = position;
    }
    conn.send({ v: 1, type: 'synced', cursors: reached, ...(removed.length > 0 ? { removed } : {}) });
  });
  conn.syncQueued();
  await done;
}
