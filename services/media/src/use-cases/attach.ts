import { conflict, notFound } from '@soulchat/platform';
import { attachTo, findMedia } from '../db/media.repository.ts';
import type { MediaRow } from '../db/schema.ts';
import type { MediaDeps } from './deps.ts';

export interface AttachRequest {
  mediaId: string;
  ownerId: string;
  conversationId: string;
}

/**
 * Puts the uploader's upload into a conversation, once: the same request again (a resend)
 * answers the same; another conversation is a 409, someone else's upload a 404.
 */
export async function attachMedia(deps: MediaDeps, request: AttachRequest): Promise<MediaRow> {
  const row = await findMedia(deps.db, request.mediaId);
  if (!row || row.owner_id !== request.ownerId) throw notFound('media');
  if (row.conversation_id === null && (await attachTo(deps.db, row.id, request.conversationId, new Date())))
    return { ...row, conversation_id: request.conversationId };
  const now = row.conversation_id === null ? await findMedia(deps.db, row.id) : row;
  if (now?.conversation_id === request.conversationId) return now;
  throw conflict('this upload was already sent in another conversation');
}
