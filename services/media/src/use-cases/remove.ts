import { deleteMedia, mediaOfConversation, mediaOwnedBy, unattachedBefore } from '../db/media.repository.ts';
import type { MediaRow } from '../db/schema.ts';
import { objectKey } from '../storage/object-store.ts';
import type { MediaDeps } from './deps.ts';
import { variantsOf } from './view.ts';

/** Objects first, then the row: a failure leaves the row, so the retried event finds them again. */
export async function removeUpload(deps: MediaDeps, row: MediaRow): Promise<void> {
  for (const variant of variantsOf(row)) await deps.store.remove(objectKey(row.id, variant));
  await deleteMedia(deps.db, row.id);
}

/** A deleted message's uploads; false when they were gone already (a redelivery). */
export async function removeMessageMedia(deps: MediaDeps, mediaIds: string[], conversationId: string) {
  const rows = await mediaOfConversation(deps.db, mediaIds, conversationId);
  for (const row of rows) await removeUpload(deps, row);
  return rows.length > 0;
}

/** Every upload of a deleted account, a page at a time. */
export async function removeUserMedia(deps: MediaDeps, userId: string): Promise<boolean> {
  let removed = 0;
  for (;;) {
    const rows = await mediaOwnedBy(deps.db, userId, 100);
    for (const row of rows) await removeUpload(deps, row);
    removed += rows.length;
    if (rows.length < 100) return removed > 0;
  }
}

/** Uploads that no message took within the time allowed; returns how many went. */
export async function expireUnsent(deps: MediaDeps, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - deps.limits.unsentTtlSeconds * 1000);
  const rows = await unattachedBefore(deps.db, before, 100);
  for (const row of rows) await removeUpload(deps, row);
  return rows.length;
}
