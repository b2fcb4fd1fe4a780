import { z } from 'zod';
import { bioRule, displayNameRule, userIdRule } from '../../domain/rules.ts';
import { decodeSearchCursor } from '../../domain/search.ts';

export const userIdParams = z.object({ userId: userIdRule });

export const updateProfileBody = z
  .strictObject({
    displayName: displayNameRule.optional(),
    bio: bioRule.nullable().optional(),
    /** An image the caller uploaded (POST /media) becomes their picture; null removes it. */
    avatarMediaId: z.uuid().nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'give at least one of displayName, bio, avatarMediaId');

export const searchQuery = z.object({
  q: z.string().trim().min(1, 'give at least one character').max(50),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z
    .string()
    .transform((text, ctx) => {
      const cursor = decodeSearchCursor(text);
      if (!cursor) ctx.addIssue({ code: 'custom', message: 'not a cursor this service issued' });
      return cursor;
    })
    .optional(),
});

// What the routes answer (documented, so clients' types are generated from it).
export const profileOutput = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  bio: z.string().nullable(),
  imageUrl: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  followers: z.number().int(),
  following: z.number().int(),
});

export const searchOutput = z.object({
  items: z.array(
    z.object({ userId: z.string(), username: z.string(), displayName: z.string(), imageUrl: z.string().nullable() }),
  ),
  nextCursor: z.string().nullable(),
});
