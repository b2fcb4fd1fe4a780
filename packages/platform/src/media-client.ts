import { create } from '@bufbuild/protobuf';
import { AttachMediaRequestSchema, decode, encode, type MediaInfo, MediaInfoSchema } from '@soulchat/contracts';
import { appIds } from './apps.ts';
import { type DaprClient, DaprError } from './dapr.ts';
import { AppError, conflict, notFound } from './errors.ts';
import type { Logger } from './logger.ts';

export interface AttachMedia {
  mediaId: string;
  ownerId: string;
  /** The conversation whose message shows it; empty for a profile picture. */
  conversationId?: string;
  avatar?: boolean;
}

/** The media service's answer as the caller's client should hear it. */
function refusal(err: unknown): AppError {
  if (err instanceof DaprError && err.status === 404) return notFound('media (upload it first, as the sender)');
  if (err instanceof DaprError && err.status === 409) return conflict('that upload was already used elsewhere');
  if (err instanceof DaprError && err.status === 400) return new AppError('VALIDATION_FAILED', messageOf(err.body));
  return new AppError('UNAVAILABLE', 'uploads cannot be checked right now; try again', undefined, {
    'retry-after': '2',
  });
}

const messageOf = (body: unknown) =>
  (body as { error?: { message?: string } } | undefined)?.error?.message ?? 'that upload cannot be used here';

/**
 * Asks the media service (proto/soulchat/media/v1, through Dapr) to put an upload to its use:
 * into a conversation (chat) or as a profile picture (profile). Only its uploader may.
 */
export async function attachMedia(dapr: DaprClient, log: Logger, request: AttachMedia): Promise<MediaInfo> {
  const body = create(AttachMediaRequestSchema, {
    mediaId: request.mediaId,
    ownerId: request.ownerId,
    conversationId: request.conversationId ?? '',
    avatar: request.avatar ?? false,
  });
  try {
    const answer = await dapr.invoke(appIds.media, 'internal/media/attach', {
      body: encode(AttachMediaRequestSchema, body),
    });
    return decode(MediaInfoSchema, answer);
  } catch (err) {
    if (!(err instanceof DaprError && [400, 404, 409].includes(err.status))) log.warn({ err }, 'media attach failed');
    throw refusal(err);
  }
}
