import { AppError } from '@soulchat/platform';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { imageLimits, imageProblem, oriented } from '../domain/image-limits.ts';

// Two cores run the whole stack: one image at a time, and no decoded-image cache kept around.
sharp.concurrency(1);
sharp.cache(false);

export interface Renditions {
  /** Re-encoded without metadata (EXIF, GPS, XMP), turned upright. */
  original: Buffer;
  thumb: Buffer;
  preview: Buffer;
  width: number;
  height: number;
}

const refused = (message: string) => new AppError('VALIDATION_FAILED', message);

/** The header only: dimensions are checked before a single pixel is decoded. */
async function checkedSize(bytes: Buffer) {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw refused('the file is not a readable image');
  }
  const problem = imageProblem(meta.width ?? 0, meta.pageHeight ?? meta.height ?? 0, meta.pages ?? 1);
  if (problem) throw refused(problem);
  return meta;
}

const smaller = (image: Sharp, side: number) =>
  image.clone().resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true }).webp({ quality: 78 });

/**
 * The stored original (same format, metadata stripped) and two WebP renditions. Decoding stops
 * at the pixel limit even if the header lied about the size.
 */
export async function renditionsOf(bytes: Buffer, mimeType: string): Promise<Renditions> {
  const meta = await checkedSize(bytes);
  const animated = mimeType === 'image/gif' || mimeType === 'image/webp';
  const image = sharp(bytes, { animated, limitInputPixels: imageLimits.maxPixels, failOn: 'error' }).rotate();
  const format = mimeType.split('/')[1] as 'jpeg' | 'png' | 'webp' | 'gif';
  try {
    const [original, thumb, preview] = await Promise.all([
      image.clone().toFormat(format).toBuffer(),
      smaller(image, imageLimits.thumbSide).toBuffer(),
      smaller(image, imageLimits.previewSide).toBuffer(),
    ]);
    const size = oriented(meta.width ?? 0, meta.pageHeight ?? meta.height ?? 0, meta.orientation);
    return { original, thumb, preview, ...size };
  } catch {
    throw refused('the image could not be decoded');
  }
}
