import type { IncomingMessage } from 'node:http';
import { AppError } from '@soulchat/platform';

const tooLarge = (maxBytes: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `uploads are limited to ${maxBytes} bytes`, { maxBytes });

/**
 * The request's bytes, read as they arrive and refused the moment they pass `maxBytes` (or at
 * once when Content-Length says so), so an oversized upload is never held whole.
 */
export async function readUpload(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}
