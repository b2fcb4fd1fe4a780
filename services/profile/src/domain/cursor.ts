import { z } from 'zod';
import { userIdRule } from './rules.ts';

/**
 * A position in a list ordered by (created_at desc, user id desc). Keyset positions stay
 * valid when rows are inserted ahead of them, unlike offsets, so no entry shows up twice.
 */
export interface Cursor {
  createdAt: Date;
  userId: string;
}

const payload = z.strictObject({ t: z.iso.datetime(), id: userIdRule });

/** Opaque to clients: base64url of a small JSON object. */
export function encodeCursor(cursor: Cursor): string {
  const json = JSON.stringify({ t: cursor.createdAt.toISOString(), id: cursor.userId });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this service issued. */
export function decodeCursor(text: string): Cursor | undefined {
  // Node's base64 decoder skips characters it does not know; refuse them instead.
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(text)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = payload.safeParse(json);
  return parsed.success ? { createdAt: new Date(parsed.data.t), userId: parsed.data.id } : undefined;
}
