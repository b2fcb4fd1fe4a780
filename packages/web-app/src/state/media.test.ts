import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SoulChatError } from '@soulchat/client';
import { fitWithin, formatBytes } from './media.ts';
import { attachToPending, failPending, pendingUpload } from './timeline.ts';
import { describeError } from './words.ts';

test('images are laid out at their own shape, scaled down into the box, never up', () => {
  assert.deepEqual(fitWithin(200, 100), { width: 200, height: 100 });
  assert.deepEqual(fitWithin(4000, 3000, 280), { width: 280, height: 210 });
  assert.deepEqual(fitWithin(480, 640, 280), { width: 210, height: 280 });
  assert.deepEqual(fitWithin(10_000, 1, 280), { width: 280, height: 1 }, 'a sliver keeps a pixel');
  assert.deepEqual(fitWithin(0, 0, 280), { width: 280, height: 280 }, 'no size known: the whole box');
});

test('file sizes read as people say them', () => {
  assert.deepEqual([0, 512, 1024, 1536, 10 * 1024 + 300, 25 * 1024 * 1024, 3 * 1024 ** 3].map(formatBytes), [
    '0 B',
    '512 B',
    '1 KB',
    '1.5 KB',
    '10 KB',
    '25 MB',
    '3 GB',
  ]);
});

test('a file send shows at once by name, then as the upload the server read, or as not sent', () => {
  const file = { name: 'cat.png', size: 2048, type: 'image/png' };
  const pending = pendingUpload('c', 'me', 'x1', 'look', file);
  assert.deepEqual(
    [pending.kind, pending.pending, pending.uploading],
    ['image', true, { name: 'cat.png', size: 2048 }],
  );

  // The name said PNG; the bytes were text: the server's kind wins.
  const attachment = {
    mediaId: 'm1',
    kind: 'file' as const,
    mimeType: 'text/plain',
    name: 'cat.png',
    size: 2048,
    width: 0,
    height: 0,
    hasThumbnail: false,
  };
  const [uploaded] = attachToPending([pending], 'x1', attachment);
  assert.equal(uploaded?.kind, 'file');
  assert.deepEqual(uploaded?.attachment, attachment);
  assert.equal(uploaded?.uploading, undefined);
  assert.equal(uploaded?.content, 'look');

  const refused = new SoulChatError(
    'UNSUPPORTED_MEDIA_TYPE',
    'files of type application/x-msdownload are not accepted',
    415,
  );
  const [failed] = failPending([pending], 'x1', describeError(refused));
  assert.equal(failed?.failed, 'Files of this type cannot be sent.');
});

test('refused uploads read as sentences: too large, over the quota, too many', () => {
  assert.equal(
    describeError(new SoulChatError('PAYLOAD_TOO_LARGE', 'uploads are limited to 26214400 bytes', 413)),
    'This file is too large to send.',
  );
  assert.match(
    describeError(new SoulChatError('PAYLOAD_TOO_LARGE', 'this upload would take you over your storage quota', 413)),
    /no room left for files/,
  );
  assert.equal(
    describeError(new SoulChatError('RATE_LIMITED', 'too many uploads; try again shortly', 429, 12)),
    'Too many attempts. Try again in 12 seconds.',
  );
});
