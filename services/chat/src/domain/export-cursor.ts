/**
 * The message export (GET /internal/messages/export) walks the messages table in primary-key
 * order: ids are random UUIDs, so the order says nothing about time, but it is total and stable
 * (an id never changes and rows are never removed, a recall only blanks them) and the clustered
 * primary key serves `id > ? order by id` without a new index on the hot insert path. The cursor
 * is the last id a page gave, opaque to callers so the order can change behind a new prefix.
 */
const idRule = /^[A-Za-z0-9_-]{1,36}$/;

/** Longest cursor this service issues (base64url of "m:" and a 36-character id) is 51. */
export const exportCursorMaxLength = 64;

export function encodeExportCursor(lastId: string): string {
  return Buffer.from(`m:${lastId}`, 'utf8').toString('base64url');
}

/** The message id a cursor names, or undefined when this service did not issue it. */
export function decodeExportCursor(text: string): string | undefined {
  // Node's base64 decoder skips characters it does not know; refuse them instead.
  if (text.length > exportCursorMaxLength || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  if (!decoded.startsWith('m:')) return undefined;
  const id = decoded.slice(2);
  return idRule.test(id) ? id : undefined;
}
