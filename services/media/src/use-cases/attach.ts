import { AppError, conflict, notFound } from '@soulchat/platform';
import { attachTo, findMedia, makeAvatar, otherAvatarsOf } from '../db/media.repository.ts';
import type { MediaRow } from '../db/schema.ts';
import type { MediaDeps } from './deps.ts';
import { removeUpload } from './remove.ts';

export interface AttachRequest {
  mediaId: string;
  ownerId: string;
  /** Empty for a profile picture. */
  conversationId: string;
  avatar: boolean;
}

const elsewhere = () => conflict('this upload was already used elsewhere (a conversation or a profile picture)');

async function intoConversation(deps: MediaDeps, row: MediaRow, conversationId: string): Promise<MediaRow> {
  if (row.conversation_id === conversationId) return row;
  if (row.conversation_id === null && !row.avatar && (await attachTo(deps.db, row.id, conversationId, new Date())))
    return { ...row, conversation_id: conversationId };
  // Lost a race to another attach: the same conversation is still a success.
  const now = await findMedia(deps.db, row.id);
  if (now?.conversation_id === conversationId) return now;
  throw elsewhere();
}

/** The new picture first, then the replaced ones go (a retried call removes what is left). */
async function asAvatar(deps: MediaDeps, row: MediaRow): Promise<MediaRow> {
  if (row.kind !== 'image') throw new AppError('VALIDATION_FAILED', 'a profile picture must be an image');
  if (!row.avatar && !(await makeAvatar(deps.db, row.id, new Date()))) {
    const now = await findMedia(deps.db, row.id);
    if (!now?.avatar) throw elsewhere();
  }
  for (const old of await otherAvatarsOf(deps.db, row.owner_id, row.id)) await removeUpload(deps, old);
  return { ...row, avatar: 1 };
}

/**
 * Puts the uploader's upload into a conversation, or makes it their profile picture, once: the
 * same request again (a resend) answers the same; another use is a 409, someone else's upload a 404.
 */
export async function attachMedia(deps: MediaDeps, request: AttachRequest): Promise<MediaRow> {
  const row = await findMedia(deps.db, request.mediaId);
  if (!row || row.owner_id !== request.ownerId) throw notFound('media');
  return request.avatar ? asAvatar(deps, row) : intoConversation(deps, row, request.conversationId);
}
