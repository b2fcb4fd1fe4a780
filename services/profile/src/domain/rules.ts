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
