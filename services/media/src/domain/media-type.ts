/**
 * Which uploads are accepted (pure). The type comes from the bytes (magic numbers, read by
 * file-type), never from the name or the request's Content-Type, which the uploader controls.
 */
export type MediaKind = 'image' | 'file';

/** Images get a thumbnail and a preview; the rest are kept as they came. */
const imageTypes = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);

const fileTypes = new Set([
  'application/pdf',
  'application/zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'audio/mpeg',
  'audio/ogg',
  'audio/mp4',
  'video/mp4',
  'video/webm',
  'video/quicktime',
]);

export interface Classified {
  kind: MediaKind;
  mimeType: string;
}

/** Text has no magic number: it is accepted as plain text when it is valid UTF-8 without NULs. */
function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The accepted type of these bytes, or undefined when they are not on the allow-list. */
export function classify(detectedMime: string | undefined, bytes: Uint8Array): Classified | undefined {
  if (detectedMime && imageTypes.has(detectedMime)) return { kind: 'image', mimeType: detectedMime };
  if (detectedMime && fileTypes.has(detectedMime)) return { kind: 'file', mimeType: detectedMime };
  if (!detectedMime && isPlainText(bytes)) return { kind: 'file', mimeType: 'text/plain' };
  return undefined;
}

/** For the error message: what may be uploaded. */
export const acceptedTypes = [...imageTypes, ...fileTypes, 'text/plain'];
