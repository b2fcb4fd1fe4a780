import { z } from 'zod';

/**
 * Field rules shared by the public API and the internal API, so a profile created by the
 * registration saga obeys the same limits as one edited by its owner. No I/O here.
 */

export {
  characterCount,
  displayNameRule,
  hasControlCharacter,
  userIdRule,
  usernameRule,
} from '@soulchat/platform';

import { characterCount, hasControlCharacter } from '@soulchat/platform';

// A bio may span lines; other control characters only serve to confuse clients.
export const bioRule = z
  .string()
  .trim()
  .refine((s) => characterCount(s) <= 500, 'must be at most 500 characters')
  .refine((s) => !hasControlCharacter(s, '\n\r\t'), 'must not contain control characters');

/** An absolute https URL naming a host and no credentials (they would leak to every viewer). */
export function isHttpsUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
}

export const imageUrlRule = z.string().trim().max(2048).refine(isHttpsUrl, 'must be an https URL');
