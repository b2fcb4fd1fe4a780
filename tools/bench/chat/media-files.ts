/**
 * The files the media phase uploads, made on the spot: UTF-8 text (stored as it came, so it
 * measures the transfer alone) and a JPEG of noise (noise does not compress, so a photo-sized
 * file; the service decodes it, strips it and makes two WebP renditions).
 */
import sharp from 'sharp';

export type MediaKind = 'text' | 'jpeg';

export interface BenchFile {
  kind: MediaKind;
  name: string;
  /** A plain copy (not a pooled Buffer): fetch sends it as the body as it is. */
  bytes: Uint8Array<ArrayBuffer>;
}

/** `size` bytes of text with multi-byte characters, none split at the end. */
export function textFile(size: number): BenchFile {
  const line = Buffer.from('SoulChat 基准测试 media bench line ✓\n');
  const bytes = Buffer.alloc(size, 0x20);
  for (let at = 0; at + line.length <= size; at += line.length) line.copy(bytes, at);
  return { kind: 'text', name: 'bench.txt', bytes: Uint8Array.from(bytes) };
}

const noiseJpeg = (width: number, height: number) =>
  sharp({
    create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  })
    .jpeg({ quality: 90 })
    .toBuffer();

/** A JPEG of about `size` bytes (4:3): one trial encode, then the area scaled to fit. */
export async function jpegFile(size: number): Promise<BenchFile> {
  const trial = await noiseJpeg(800, 600);
  const scale = Math.sqrt(size / trial.length);
  const bytes = await noiseJpeg(Math.round(800 * scale), Math.round(600 * scale));
  return { kind: 'jpeg', name: 'bench.jpg', bytes: Uint8Array.from(bytes) };
}
