import { z } from 'zod';
import { userIdRule } from './rules.ts';

/** A position in search results, ordered by (username, user id). */
export interface SearchCursor {
  username: string;
  userId: string;
}

const payload = z.strictObject({ u: z.string().min(1).max(32), id: userIdRule });

/** Opaque to clients: base64url of a small JSON object. */
export function encodeSearchCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify({ u: cursor.username, id: cursor.userId }), 'utf8').toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this service issued. */
export function decodeSearchCursor(text: string): SearchCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(text)) return undefined;
  try {
    const parsed = payload.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? { username: parsed.data.u, userId: parsed.data.id } : undefined;
  } catch {
    return undefined;
  }
}

/** A LIKE pattern matching values that start with `prefix`, its own % and _ taken literally. */
export function prefixPattern(prefix: string): string {
  return `${prefix.replaceAll(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
