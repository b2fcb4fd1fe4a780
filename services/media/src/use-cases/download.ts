import { AppError, notFound } from '@soulchat/platform';
import { findMedia } from '../db/media.repository.ts';
import type { MediaRow } from '../db/schema.ts';
import { contentDisposition } from '../domain/file-name.ts';
import { checkLink, type LinkClaim, type Variant } from '../domain/signed-url.ts';
import { objectKey } from '../storage/object-store.ts';
import type { MediaDeps } from './deps.ts';
import { variantsOf } from './view.ts';

export interface Download {
  body: ReadableStream<Uint8Array>;
  headers: Record<string, string>;
}

/** Only images are shown in place; anything else is a download, so it never runs as a page. */
function headersFor(row: MediaRow, claim: LinkClaim, nowSeconds: number): Record<string, string> {
  const original = claim.variant === 'original';
  const type = original ? row.mime_type : 'image/webp';
  const name = original ? row.name : `${row.name.replace(/\.[^.]*$/, '')}-${claim.variant}.webp`;
  return {
    'content-type': type === 'text/plain' ? 'text/plain; charset=utf-8' : type,
    'content-disposition': contentDisposition(row.kind === 'image' ? 'inline' : 'attachment', name),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cache-control': `private, max-age=${Math.max(0, claim.expires - nowSeconds)}`,
    ...(original ? { 'content-length': String(row.size_bytes) } : {}),
  };
}

/** A profile picture, by its id alone: public like any avatar, and never changing (a new one gets a new id). */
export async function openAvatar(deps: MediaDeps, mediaId: string, variant: Variant): Promise<Download> {
  const row = await findMedia(deps.db, mediaId);
  if (!row?.avatar || !variantsOf(row).includes(variant)) throw notFound('avatar');
  const body = await deps.store.get(objectKey(row.id, variant));
  if (!body) throw notFound('avatar');
  const headers = headersFor(row, { mediaId, variant, expires: 0 }, 0);
  return { body, headers: { ...headers, 'cache-control': 'public, max-age=86400, immutable' } };
}

/** The bytes behind a signed link: 403 for a forged or expired one, 404 once deleted. */
export async function openDownload(deps: MediaDeps, claim: LinkClaim, signature: string): Promise<Download> {
  const now = Math.floor(Date.now() / 1000);
  const check = checkLink(deps.linkKey, claim, signature, now);
  if (check === 'forged') throw new AppError('FORBIDDEN', 'this link is not valid');
  if (check === 'expired') throw new AppError('FORBIDDEN', 'this link has expired; ask for a new one');
  const row = await findMedia(deps.db, claim.mediaId);
  if (!row || !variantsOf(row).includes(claim.variant)) throw notFound('media');
  const body = await deps.store.get(objectKey(row.id, claim.variant));
  if (!body) throw notFound('media');
  return { body, headers: headersFor(row, claim, now) };
}
