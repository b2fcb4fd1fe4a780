import { z } from 'zod';

/**
 * Name rules shared by every service that accepts a username or display name, so the user
 * service refuses at registration exactly what the profile service would refuse later.
 */

/**
 * A user id as every service stores and checks it: the user service issues UUIDs, and any
 * URL-safe id of at most 36 characters fits every service's columns.
 */
export const userIdRule = z.string().regex(/^[A-Za-z0-9_-]{1,36}$/, 'must be 1 to 36 letters, digits, - or _');

export const usernameRule = z.string().regex(/^[A-Za-z0-9_]{3,32}$/, 'must be 3 to 32 letters, digits or _');

/** True when `text` holds a C0/C1 control character other than those in `allowed`. */
export function hasControlCharacter(text: string, allowed = ''): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
    if (control && !allowed.includes(char)) return true;
  }
  return false;
}

/**
 * Length in code points, as MariaDB counts a varchar: an emoji is one character to the column
 * (and to the user) though it is two UTF-16 units in `string.length`.
 */
export const characterCount = (text: string): number => [...text].length;

// Bidi overrides reorder what follows them: in a name they make "evil.exe" read as "exe.live".
const bidiControls = /[\u202a-\u202e\u2066-\u2069]/u;
// Something must show: format characters and spaces alone make an invisible name.
const visible = /[^\p{Cf}\p{Z}]/u;

// A display name is shown on one line in lists and notifications: no line breaks or tabs.
export const displayNameRule = z
  .string()
  .trim()
  .refine((s) => characterCount(s) >= 1 && characterCount(s) <= 50, 'must be 1 to 50 characters')
  .refine((s) => !hasControlCharacter(s) && !bidiControls.test(s), 'must not contain control characters')
  .refine((s) => s === '' || visible.test(s), 'must contain a visible character');
