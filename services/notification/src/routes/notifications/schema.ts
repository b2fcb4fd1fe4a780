import { notificationView } from '@soulchat/contracts/chat-protocol';
import { z } from 'zod';
import { preferencesPatch } from '../../domain/preferences.ts';

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(64).optional(),
  unread: z.enum(['true', 'false']).default('false'),
});

export const idParams = z.object({ id: z.uuid() });

/** E.164: a plus, a country code and up to 15 digits in all. */
const phone = z.string().regex(/^\+[1-9]\d{6,14}$/, 'a phone number in international form, like +15551234567');

export const preferencesBody = z
  .strictObject({ channels: preferencesPatch.optional(), phone: phone.nullable().optional() })
  .refine((b) => b.channels !== undefined || b.phone !== undefined, 'give channels, phone or both');

export const alertBody = z.strictObject({
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(2000),
  audience: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('all') }),
    z.strictObject({ kind: z.literal('group'), groupId: z.string().min(1).max(36) }),
  ]),
});

// What the routes answer (documented, so clients' types are generated from it).
// The notification as pushed to devices (the chat protocol's), plus when it was read.
export const notificationPageOutput = z.object({
  items: z.array(notificationView.extend({ readAt: z.string().nullable() })),
  nextCursor: z.string().nullable(),
});
export const unreadOutput = z.object({ count: z.number().int() });
export const readAllOutput = z.object({ updated: z.number().int() });
