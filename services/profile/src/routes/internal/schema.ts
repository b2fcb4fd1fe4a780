import { z } from 'zod';
import { displayNameRule, userIdRule, usernameRule } from '../../domain/rules.ts';

/** The fields of a decoded CreateProfileRequest (proto3 leaves missing strings empty). */
export const newProfileFields = z.object({
  userId: userIdRule,
  username: usernameRule,
  displayName: displayNameRule,
});

export const userIdParams = z.object({ userId: userIdRule });

export const blockCheckQuery = z.object({ a: userIdRule, b: userIdRule });

/** A decoded MutualFollowsRequest: a presence query's worth of candidates at most. */
export const mutualFollowsFields = z.object({
  userId: userIdRule,
  candidateIds: z.array(userIdRule).min(1).max(100),
});

/** A decoded KnownProfilesRequest: a group's worth of user ids at most. */
export const knownProfilesFields = z.object({ userIds: z.array(userIdRule).min(1).max(500) });
