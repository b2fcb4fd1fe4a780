import { userIdRule } from '@soulchat/platform';
import { z } from 'zod';

export const userId = userIdRule;
export const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,36}$/) });
export const memberParams = idParams.extend({ userId });

export const openDirectBody = z.strictObject({ userId });

const name = z.string().trim().min(1).max(100);
const description = z.string().trim().max(500);

export const createGroupBody = z.strictObject({
  name,
  description: description.default(''),
  memberIds: z.array(userId).max(1000).default([]),
});

export const editGroupBody = z
  .strictObject({ name: name.optional(), description: description.optional() })
  .refine((b) => b.name !== undefined || b.description !== undefined, 'give a name or a description');

export const addMemberBody = z.strictObject({ userId, role: z.enum(['admin', 'member']).default('member') });
export const setRoleBody = z.strictObject({ role: z.enum(['admin', 'member']) });
export const transferBody = z.strictObject({ userId });

// What the routes answer (documented, so clients' types are generated from it).
const kind = z.enum(['direct', 'group']);
const role = z.enum(['owner', 'admin', 'member']);

export const conversationOutput = z.object({
  id: z.string(),
  kind,
  name: z.string().nullable(),
  description: z.string().nullable(),
  lastSeq: z.number().int(),
  members: z.array(z.object({ userId: z.string(), role, readSeq: z.number().int() })),
});

export const conversationListOutput = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      kind,
      name: z.string().nullable(),
      role,
      lastSeq: z.number().int(),
      unread: z.number().int(),
    }),
  ),
});
