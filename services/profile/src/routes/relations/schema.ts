import { z } from 'zod';
import { userIdRule } from '../../domain/rules.ts';

export const targetParams = z.object({ userId: userIdRule });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(512).optional(),
});

export const relationshipOutput = z.object({
  following: z.boolean(),
  followedBy: z.boolean(),
  blocking: z.boolean(),
  blockedBy: z.boolean(),
});
