import type { MediaUpload } from '@soulchat/client';
import type { ChatMessage } from './timeline.ts';

/** What a message shows of an upload (the same facts the server records with the message). */
export type MediaAttachment = Extract<NonNullable<ChatMessage['attachment']>, { mediaId: string }>;

export const attachmentOf = (upload: MediaUpload): MediaAttachment => ({
  mediaId: upload.id,
  kind: upload.kind,
  mimeType: upload.mimeType,
  name: upload.name,
  size: upload.size,
  width: upload.width,
  height: upload.height,
  hasThumbnail: upload.hasThumbnail,
});

/** Images in the timeline are at most this wide and tall (the server's thumbnails are 320). */
export const imageBox = 280;

/**
 * The size an image is laid out at before its bytes arrive: its own, scaled down to fit the box
 * with its shape kept, so the timeline does not jump when it loads.
 */
export function fitWithin(width: number, height: number, box = imageBox): { width: number; height: number } {
  if (width <= 0 || height <= 0) return { width: box, height: box };
  const scale = Math.min(1, box / width, box / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

const units = ['KB', 'MB', 'GB'];

/** A file size as people read it: 512 B, 1.5 KB, 25 MB (powers of 1024, one decimal under 10). */
export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)} ${units[unit]}`;
}
