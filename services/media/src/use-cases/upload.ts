import { randomUUID } from 'node:crypto';
import { AppError } from '@soulchat/platform';
import { fileTypeFromBuffer } from 'file-type';
import { bytesOwnedBy, insertMedia } from '../db/media.repository.ts';
import type { MediaRow } from '../db/schema.ts';
import { cleanName } from '../domain/file-name.ts';
import { acceptedTypes, type Classified, classify } from '../domain/media-type.ts';
import type { Variant } from '../domain/signed-url.ts';
import { renditionsOf } from '../imaging/renditions.ts';
import { objectKey } from '../storage/object-store.ts';
import type { MediaDeps } from './deps.ts';

export interface Upload {
  ownerId: string;
  /** The name the uploader gave (only shown; the type is read from the bytes). */
  name: string | undefined;
  bytes: Buffer;
}

async function typeOf(bytes: Buffer): Promise<Classified> {
  const detected = await fileTypeFromBuffer(bytes);
  const accepted = classify(detected?.mime, bytes);
  if (accepted) return accepted;
  throw new AppError(
    'UNSUPPORTED_MEDIA_TYPE',
    `files of type ${detected?.mime ?? 'unknown (no known signature, not UTF-8 text)'} are not accepted`,
    { accepted: acceptedTypes },
  );
}

async function withinQuota(deps: MediaDeps, ownerId: string, size: number): Promise<void> {
  const used = await bytesOwnedBy(deps.db, ownerId);
  if (used + size <= deps.limits.quotaBytes) return;
  throw new AppError('PAYLOAD_TOO_LARGE', 'this upload would take you over your storage quota', {
    usedBytes: used,
    quotaBytes: deps.limits.quotaBytes,
  });
}

/** The objects to store: images as re-encoded originals with two renditions, files as they came. */
async function objectsOf(bytes: Buffer, type: Classified) {
  if (type.kind !== 'image') return { parts: { original: bytes } as Record<Variant, Buffer>, width: 0, height: 0 };
  const r = await renditionsOf(bytes, type.mimeType);
  return { parts: { original: r.original, thumb: r.thumb, preview: r.preview }, width: r.width, height: r.height };
}

/** Stores every part, or none: what went in before a failure is taken out again. */
async function storeAll(deps: MediaDeps, id: string, parts: Partial<Record<Variant, Buffer>>): Promise<void> {
  const stored: Variant[] = [];
  try {
    for (const [variant, bytes] of Object.entries(parts) as Array<[Variant, Buffer]>) {
      await deps.store.put(objectKey(id, variant), bytes);
      stored.push(variant);
    }
  } catch (err) {
    await removeParts(deps, id, stored);
    throw err;
  }
}

async function removeParts(deps: MediaDeps, id: string, variants: Variant[]): Promise<void> {
  for (const variant of variants)
    await deps.store.remove(objectKey(id, variant)).catch((err: unknown) => {
      // The unsent sweep cannot see objects without a row; the log names them for an operator.
      deps.log.error({ err, key: objectKey(id, variant) }, 'could not remove a half-stored upload');
    });
}

/**
 * Checks the bytes (type allow-list, quota, image dimensions), stores the objects, then records
 * the upload: a failure at any step leaves nothing recorded.
 */
export async function uploadMedia(deps: MediaDeps, upload: Upload): Promise<MediaRow> {
  if (upload.bytes.length === 0) throw new AppError('VALIDATION_FAILED', 'the upload is empty');
  const type = await typeOf(upload.bytes);
  await withinQuota(deps, upload.ownerId, upload.bytes.length);
  const { parts, width, height } = await objectsOf(upload.bytes, type);
  const id = randomUUID();
  const row: MediaRow = {
    id,
    owner_id: upload.ownerId,
    kind: type.kind,
    mime_type: type.mimeType,
    name: cleanName(upload.name, `${type.kind}.${type.mimeType.split('/')[1]}`),
    size_bytes: parts.original.length,
    width,
    height,
    conversation_id: null,
    created_at: new Date(),
    attached_at: null,
    avatar: 0,
  };
  await storeAll(deps, id, parts);
  try {
    await insertMedia(deps.db, row);
  } catch (err) {
    await removeParts(deps, id, Object.keys(parts) as Variant[]);
    throw err;
  }
  return row;
}
