import { z } from 'zod';
import { attachmentRef, clientMsgId, messageView } from '../../domain/protocol.ts';

const seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const historyQuery = z
  .object({ after: seq.optional(), before: seq.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) })
  .refine((q) => q.after === undefined || q.before === undefined, 'give after or before, not both');

export const sendBody = z.strictObject({
  clientMsgId,
  kind: z.enum(['text', 'image', 'file']).default('text'),
  content: z.string().max(100_000).default(''),
  attachment: attachmentRef.optional(),
});

export const readBody = z.strictObject({ seq });
export const messageParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,36}$/) });
export const reactionParams = messageParams.extend({
  emoji: z
    .string()
    .min(1)
    .max(32)
    .refine((e) => !/\s/.test(e), 'an emoji has no spaces'),
});
export const editBody = z.strictObject({ content: z.string().max(100_000) });
export const presenceQuery = z.object({
  ids: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,36}(,[A-Za-z0-9_-]{1,36}){0,99}$/, 'a comma list of at most 100 user ids')
    .transform((s) => s.split(',')),
});

// What the routes answer (documented, so clients' types are generated from it).
const reactions = z.record(z.string(), z.array(z.string()));
export const historyOutput = z.object({ items: z.array(messageView), lastSeq: z.number().int() });
export const sendOutput = z.object({ message: messageView, duplicate: z.boolean() });
export const readOutput = z.object({ conversationId: z.string(), readSeq: z.number().int() });
export const reactionsOutput = z.object({ reactions });
export const presenceOutput = z.object({
  items: z.array(z.object({ userId: z.string(), online: z.boolean(), lastSeen: z.string().nullable() })),
});
