import { displayNameRule, usernameRule } from '@soulchat/platform';
import { z } from 'zod';

// The same rules the profile service applies, so registration refuses what it would refuse.
const username = z.string().trim().pipe(usernameRule);
export const email = z.string().trim().max(254).pipe(z.email());
export const password = z.string().min(10, 'at least 10 characters').max(128);

export const registerBody = z.strictObject({
  username,
  email,
  password,
  displayName: displayNameRule.optional(),
});

/**
 * A client-chosen registration id makes a retried POST /register join the first attempt. It is
 * also what reads the registration's status, so it must be unguessable: at least 22 characters
 * (128 bits as base64url; a UUID qualifies), from a random source.
 */
const registrationId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22,64}$/, '22 to 64 letters, digits, - or _ (128 random bits or more)');

// An empty Idempotency-Key counts as none, as a missing one does: the registration gets a fresh
// id. A preprocess, not a union with '', so the document and the 400 still show the key's rule.
const idempotencyKey = z.preprocess((key) => key || undefined, registrationId.optional()).optional();

export const registerHeaders = z.object({ 'idempotency-key': idempotencyKey });

export const registrationParams = z.object({ id: registrationId });

export const loginBody = z.strictObject({
  identifier: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(128),
});

export const refreshBody = z.strictObject({ refreshToken: z.string().min(20).max(200) });

// What the routes answer (documented, so clients' types are generated from it).
export const accountOutput = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string(),
  displayName: z.string(),
  createdAt: z.string(),
});

export const tokensOutput = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
});

export const loginOutput = tokensOutput.extend({ user: accountOutput });

/**
 * 201 once registered (with the account to the POST that registered, with the user id only to a
 * read by registration id), 202 while the saga still runs.
 */
export const registrationOutput = z.object({
  registrationId: z.string(),
  status: z.enum(['registered', 'pending']),
  user: z.union([accountOutput, z.object({ id: z.string() })]).optional(),
});
