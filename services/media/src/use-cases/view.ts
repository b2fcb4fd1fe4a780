import type { MediaRow } from '../db/schema.ts';
import { signedPath, type Variant } from '../domain/signed-url.ts';

/** The variants an upload has: images have their two renditions as well. */
export const variantsOf = (row: MediaRow): Variant[] =>
  row.kind === 'image' ? ['original', 'thumb', 'preview'] : ['original'];

/** What clients get about an upload: its facts and, for those allowed, links valid for a while. */
export function mediaView(row: MediaRow, linkKey: string, ttlSeconds: number, now = Date.now()) {
  const expires = Math.floor(now / 1000) + ttlSeconds;
  const links = Object.fromEntries(
    variantsOf(row).map((variant) => [variant, signedPath(linkKey, { mediaId: row.id, variant, expires })]),
  ) as { original: string; thumb?: string; preview?: string };
  return {
    id: row.id,
    kind: row.kind,
    mimeType: row.mime_type,
    name: row.name,
    size: Number(row.size_bytes),
    width: row.width,
    height: row.height,
    hasThumbnail: row.kind === 'image',
    conversationId: row.conversation_id,
    createdAt: new Date(row.created_at).toISOString(),
    links,
    linksExpireAt: new Date(expires * 1000).toISOString(),
  };
}
