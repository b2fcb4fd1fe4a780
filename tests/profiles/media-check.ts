/**
 * The real media service on a profile's `media` binding: an image and a text file uploaded
 * through the ingress come back by their signed links, and an object gone from storage is a
 * 404 (each binding says "missing" in its own words; the service must read both).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import sharp from 'sharp';
import { smallPng } from '../../services/media/test/fixtures.ts';
import type { Stack } from '../../tools/stack/stack.ts';
import { download, upload } from '../harness/media.ts';
import { newPerson } from '../harness/people.ts';

/** `objectFile` says where the profile's storage keeps an object key (a path on this machine). */
export async function assertMediaWorks(stack: Stack, objectFile: (key: string) => string): Promise<void> {
  const edge = stack.info.ingress?.url ?? '';
  const user = stack.info.apps.find((a) => a.instance === 'user');
  assert.ok(user && edge, 'the stack runs user and the ingress');
  const person = await newPerson(`http://127.0.0.1:${user.port}`, 'pm');

  const image = await upload(edge, person.token, await smallPng(300, 150), 'profile.png');
  assert.equal(image.status, 201, JSON.stringify(image.body));
  const original = await download(edge, image.body.links.original);
  assert.equal(original.status, 200, original.bytes.toString());
  assert.equal(original.bytes.length, image.body.size);
  assert.equal((await sharp(original.bytes).metadata()).format, 'png');
  const thumb = await download(edge, image.body.links.thumb ?? '');
  assert.equal(thumb.status, 200, thumb.bytes.toString());
  assert.equal((await sharp(thumb.bytes).metadata()).format, 'webp');

  const text = Buffer.from('kept by the profile’s storage 你好 🙂');
  const file = await upload(edge, person.token, text, 'note.txt');
  assert.equal(file.status, 201, JSON.stringify(file.body));
  const back = await download(edge, file.body.links.original);
  assert.equal(back.status, 200, back.bytes.toString());
  assert.ok(back.bytes.equals(text), 'the text file comes back byte for byte');

  rmSync(objectFile(`media/${file.body.id}/original`));
  const gone = await download(edge, file.body.links.original);
  assert.equal(gone.status, 404, `an object missing from storage: ${gone.status} ${gone.bytes.toString()}`);
}
