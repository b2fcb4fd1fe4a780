import { randomUUID } from 'node:crypto';
import {
  AppError,
  conflict,
  forbidden,
  inOneTrip,
  notFound,
  traceHeaders,
  transactionInTrips,
} from '@soulchat/platform';
import { directBlocks, pairKey } from '../db/blocks.repository.ts';
import {
  byConversation,
  type ConversationMembers,
  conversationsWithMembers,
  seqEnds,
  seqReservation,
} from '../db/conversations.repository.ts';
import { byClientKey, clientKey, messagesInsert, storedSends } from '../db/messages.repository.ts';
import type { ConversationKind, MessageRow } from '../db/schema.ts';
import { contentProblem, toView, uploadProblem } from '../domain/message.ts';
import type { MediaAttachment, MessageView, SendFrame } from '../domain/protocol.ts';
import { assignSeqs, seqCounts, takeBatch } from '../domain/send-batch.ts';
import { type CreatedMessage, messagesCreatedInsert } from '../events/outgoing.ts';
import type { ChatDeps } from './deps.ts';
import { attachUpload } from './media.ts';

export type SendInput = Omit<SendFrame, 'v' | 'type'>;

export interface SendResult {
  message: MessageView;
  /** True when this client message id was stored before: the resend changed nothing. */
  duplicate: boolean;
}

interface PendingSend {
  senderId: string;
  input: SendInput;
  conversationId: string;
  traceParent: string | null;
  resolve: (result: SendResult) => void;
  reject: (err: unknown) => void;
}

/** A send that passed every check, with what its event needs. */
interface AcceptedSend {
  send: PendingSend;
  kind: ConversationKind;
  memberIds: string[];
  mentionIds: string[];
  /** The upload an image or file message shows, once the media service put it into the conversation. */
  attachment: MediaAttachment | null;
}

/** What a batch needs to know before storing: resends, conversations, blocked direct pairs. */
interface BatchFacts {
  stored: Map<string, MessageRow>;
  conversations: ConversationMembers;
  blocked: Set<string>;
}

export interface SenderOptions {
  /** Batches stored at once (each one transaction); more sends wait and join the next batch. */
  concurrency: number;
  /** Most sends in one batch. */
  maxBatch: number;
  /** How long a send waits for others to join its batch (0: at once). */
  lingerMs: number;
}

const mysqlCode = (err: unknown) => (err as { code?: string }).code;
/** Another batch won a race (the same client id from another instance, or a deadlock): retry. */
const isRetryable = (err: unknown) => ['ER_DUP_ENTRY', 'ER_LOCK_DEADLOCK'].includes(mysqlCode(err) ?? '');

/** A resend's answer: the stored message, unless the id was used in another conversation. */
function sameSend(stored: MessageView, input: SendInput): SendResult {
  if (stored.conversationId !== input.conversationId) {
    throw conflict('that client message id was already used in another conversation');
  }
  return { message: stored, duplicate: true };
}

/** The distinct mentioned users; each must be a member, and mentioning oneself is dropped. */
function mentionedMembers(mentions: string[], members: string[], senderId: string): string[] {
  const unique = [...new Set(mentions)].filter((m) => m !== senderId);
  const outsider = unique.find((m) => !members.includes(m));
  if (outsider) throw new AppError('VALIDATION_FAILED', `mentions: ${outsider} is not a member of this conversation`);
  return unique;
}

const settle = (send: PendingSend, work: () => SendResult) => {
  try {
    send.resolve(work());
  } catch (err) {
    send.reject(err);
  }
};

/**
 * Stores sends exactly once per (sender, client message id), each with its conversation's next
 * sequence number and its message.created event (the outbox), in one transaction per batch.
 * Sends that arrive while batches are being stored wait and go together in the next one: a busy
 * instance makes a handful of round trips per batch instead of per message.
 */
export function createSender(deps: Omit<ChatDeps, 'sends'>, options: SenderOptions) {
  const queue: PendingSend[] = [];
  const busy = new Set<string>();
  const inFlight = new Map<string, Promise<SendResult>>();
  let running = 0;

  /** Everything the checks need, read in one round trip. */
  async function factsOf(batch: PendingSend[]): Promise<BatchFacts> {
    const conversationIds = [...new Set(batch.map((s) => s.conversationId))];
    const senderIds = [...new Set(batch.map((s) => s.senderId))];
    const keys = batch.map((s) => ({ senderId: s.senderId, clientMsgId: s.input.clientMsgId }));
    const [stored, members, blocks] = await inOneTrip(deps.db, [
      storedSends(deps.db, keys),
      conversationsWithMembers(deps.db, conversationIds),
      directBlocks(deps.db, senderIds, conversationIds),
    ] as const);
    return {
      stored: byClientKey(stored),
      conversations: byConversation(members),
      blocked: new Set(blocks.map((b) => pairKey(b.blocker_id, b.blocked_id))),
    };
  }

  /** The send's checks (membership, mentions, blocks); throws the refusal. */
  function accept(send: PendingSend, facts: BatchFacts): AcceptedSend {
    const conversation = facts.conversations.get(send.conversationId);
    if (!conversation) throw notFound('conversation');
    const { memberIds, kind } = conversation;
    if (!memberIds.includes(send.senderId)) throw forbidden('you are not a member of this conversation');
    const mentionIds = mentionedMembers(send.input.mentions ?? [], memberIds, send.senderId);
    const other = memberIds.find((m) => m !== send.senderId) ?? send.senderId;
    if (kind === 'direct' && facts.blocked.has(pairKey(send.senderId, other)))
      throw forbidden('messages between these users are blocked');
    return { send, kind, memberIds, mentionIds, attachment: null };
  }

  /**
   * Puts the uploads of accepted sends into their conversations (one call each, together); a send
   * whose upload is refused is answered with that refusal and leaves the batch.
   */
  async function withUploads(accepted: AcceptedSend[]): Promise<AcceptedSend[]> {
    // The hot path: most batches carry text only.
    if (!accepted.some((a) => a.send.input.attachment)) return accepted;
    const settled = await Promise.all(
      accepted.map(async (a): Promise<AcceptedSend | undefined> => {
        const ref = a.send.input.attachment;
        if (!ref) return a;
        try {
          const upload = await attachUpload(deps, {
            mediaId: ref.mediaId,
            ownerId: a.send.senderId,
            conversationId: a.send.conversationId,
          });
          const problem = uploadProblem(a.send.input.kind, upload);
          if (problem) throw new AppError('VALIDATION_FAILED', problem);
          return { ...a, attachment: upload };
        } catch (err) {
          a.send.reject(err);
          return undefined;
        }
      }),
    );
    return settled.filter((a): a is AcceptedSend => a !== undefined);
  }

  /**
   * One transaction in two round trips: reserve the numbers and read where they end, then store
   * the messages and their events and commit.
   */
  async function store(accepted: AcceptedSend[]): Promise<CreatedMessage[]> {
    const conversationIds = accepted.map((a) => a.send.conversationId);
    const counts = seqCounts(conversationIds);
    return transactionInTrips(deps.db, async (t) => {
      const [, ends] = await t.run([seqReservation(t.db, counts), seqEnds(t.db, [...counts.keys()])] as const);
      const seqs = assignSeqs(conversationIds, new Map(ends.map((row) => [row.id, Number(row.last_seq)])));
      const createdAt = new Date();
      const created = accepted.map((a, i): CreatedMessage => {
        const { input, senderId } = a.send;
        const row: MessageRow = {
          id: randomUUID(),
          conversation_id: a.send.conversationId,
          seq: seqs[i] ?? 0,
          sender_id: senderId,
          client_msg_id: input.clientMsgId,
          kind: input.kind,
          content: input.content,
          attachment: a.attachment ? JSON.stringify(a.attachment) : null,
          created_at: createdAt,
          edited_at: null,
          deleted_at: null,
        };
        return {
          row,
          memberIds: a.memberIds,
          conversationKind: a.kind,
          mentionIds: a.mentionIds,
          traceParent: a.send.traceParent,
        };
      });
      await t.commit([
        messagesInsert(
          t.db,
          created.map((c) => c.row),
        ),
        messagesCreatedInsert(t.db, created),
      ] as const);
      return created;
    });
  }

  /** Answers resends from what is stored, checks the rest, stores them; retried after a lost race. */
  async function storeBatch(batch: PendingSend[], attempt = 1): Promise<void> {
    const facts = await factsOf(batch);
    const accepted: AcceptedSend[] = [];
    for (const send of batch) {
      const row = facts.stored.get(clientKey(send.senderId, send.input.clientMsgId));
      if (row) settle(send, () => sameSend(toView(row), send.input));
      else {
        try {
          accepted.push(accept(send, facts));
        } catch (err) {
          send.reject(err);
        }
      }
    }
    const ready = await withUploads(accepted);
    if (ready.length === 0) return;
    let created: CreatedMessage[];
    try {
      created = await store(ready);
    } catch (err) {
      if (attempt < 3 && isRetryable(err))
        return storeBatch(
          ready.map((a) => a.send),
          attempt + 1,
        );
      throw err;
    }
    deps.nudgeRelay();
    for (const [i, c] of created.entries()) {
      const message = toView(c.row);
      deps.messageStored?.(c.row.kind);
      ready[i]?.send.resolve({ message, duplicate: false });
      deps.deliverLocally?.(message, c.memberIds);
    }
  }

  function pump(): void {
    while (running < options.concurrency && queue.length > 0) {
      const batch = takeBatch(queue, busy, options.maxBatch);
      if (batch.length === 0) return;
      running++;
      for (const send of batch) busy.add(send.conversationId);
      void storeBatch(batch)
        .catch((err: unknown) => {
          for (const send of batch) send.reject(err);
        })
        .finally(() => {
          running--;
          for (const send of batch) busy.delete(send.conversationId);
          pump();
        });
    }
  }

  let pumpScheduled = false;
  function schedulePump(): void {
    if (options.lingerMs === 0) {
      pump();
      return;
    }
    if (pumpScheduled) return;
    pumpScheduled = true;
    setTimeout(() => {
      pumpScheduled = false;
      pump();
    }, options.lingerMs);
  }

  function enqueue(senderId: string, input: SendInput): Promise<SendResult> {
    return new Promise<SendResult>((resolve, reject) => {
      const traceParent = traceHeaders().traceparent ?? null;
      queue.push({ senderId, input, conversationId: input.conversationId, traceParent, resolve, reject });
      schedulePump();
    });
  }

  return {
    /** Stores one send (or answers its resend); resolves once it is committed. */
    async send(senderId: string, input: SendInput): Promise<SendResult> {
      const problem = contentProblem(
        input.kind,
        input.content,
        input.attachment !== undefined,
        deps.config.MESSAGE_MAX_CHARS,
      );
      if (problem) throw new AppError('VALIDATION_FAILED', problem);
      // A resend while the first is still being stored waits for it instead of racing it.
      const key = clientKey(senderId, input.clientMsgId);
      const first = inFlight.get(key);
      if (first) return first.then((result) => sameSend(result.message, input));
      const pending = enqueue(senderId, input);
      inFlight.set(key, pending);
      return pending.finally(() => inFlight.delete(key));
    },
  };
}

export type Sender = ReturnType<typeof createSender>;

/** Stores a message exactly once per (sender, client message id); see createSender. */
export async function sendMessage(deps: ChatDeps, senderId: string, input: SendInput): Promise<SendResult> {
  return deps.sends.send(senderId, input);
}
