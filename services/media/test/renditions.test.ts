import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { renditionsOf } from '../src/imaging/renditions.ts';
import { blackPng, photoWithLocation, smallPng } from './fixtures.ts';

test('a photo is stored upright and without its EXIF (camera, GPS), with WebP renditions', async () => {
  const photo = await photoWithLocation();
  assert.ok((await sharp(photo).metadata()).exif, 'the fixture does carry EXIF');
  const r = await renditionsOf(photo, 'image/jpeg');
  assert.deepEqual([r.width, r.height], [480, 640], 'orientation 6 applied: portrait');
  const original = await sharp(r.original).metadata();
  assert.equal(original.format, 'jpeg');
  assert.equal(original.exif, undefined, 'no EXIF left');
  assert.equal(original.orientation, undefined);
  assert.deepEqual([original.width, original.height], [480, 640]);
  const thumb = await sharp(r.thumb).metadata();
  assert.equal(thumb.format, 'webp');
  assert.deepEqual([thumb.width, thumb.height], [240, 320], 'longest side 320');
  const preview = await sharp(r.preview).metadata();
  assert.deepEqual([preview.width, preview.height], [480, 640], 'never enlarged');
});

test('a decompression bomb is refused from its header, before decoding', async () => {
  const bomb = await blackPng(10_000, 10_000);
  assert.ok(bomb.length < 1024 * 1024, `the bomb is small on disk (${bomb.length} bytes)`);
  const started = process.memoryUsage().rss;
  await assert.rejects(renditionsOf(bomb, 'image/png'), /100000000 pixels in all; at most 50000000/);
  const grownMb = (process.memoryUsage().rss - started) / 1024 / 1024;
  assert.ok(grownMb < 150, `300 MB of pixels were not decoded (rss grew ${grownMb.toFixed(0)} MB)`);
});

test('an image within the limits keeps its size and format', async () => {
  const r = await renditionsOf(await smallPng(200, 100), 'image/png');
  assert.deepEqual([r.width, r.height], [200, 100]);
  assert.equal((await sharp(r.original).metadata()).format, 'png');
});

test('bytes that claim PNG but do not decode are refused', async () => {
  const png = await smallPng();
  const broken = Buffer.concat([png.subarray(0, 40), Buffer.alloc(200, 7)]);
  await assert.rejects(renditionsOf(broken, 'image/png'), (err: Error) => /image/.test(err.message));
});
