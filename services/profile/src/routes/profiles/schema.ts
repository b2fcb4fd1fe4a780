import { z } from 'zod';
import { bioRule, displayNameRule, imageUrlRule, userIdRule } from '../../domain/rules.ts';

export const userIdParams = z.object({ userId: userIdRule });

export const updateProfileBody = z
  .strictObject({
    displayName: displayNameRule.optional(),
    bio: bioRule.nullable().optional(),
    imageUrl: imageUrlRule.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'give at least one of displayName, bio, imageUrl');
