import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanName, contentDisposition } from './file-name.ts';
import { imageLimits, imageProblem, oriented } from './image-limits.ts';
import { classify } from './media-type.ts';
import { checkLink, signedPath } from './signed-url.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

test('the type comes from the bytes: allowed images and files, UTF-8 text, nothing else', () => {
  assert.deepEqual(classify('image/png', new Uint8Array([0x89])), { kind: 'image', mimeType: 'image/png' });
  assert.deepEqual(classify('application/pdf', new Uint8Array()), { kind: 'file', mimeType: 'application/pdf' });
  assert.deepEqual(classify(undefined, utf8('你好, plain text\n')), { kind: 'file', mimeType: 'text/plain' });
  assert.equal(classify(undefined, new Uint8Array([0xff, 0xfe, 0x00, 0x41])), undefined, 'not UTF-8');
  assert.equal(classify(undefined, utf8('a\u0000b')), undefined, 'a NUL is binary');
  assert.equal(classify('application/x-elf', new Uint8Array()), undefined, 'executables are refused');
  assert.equal(classify('image/svg+xml', utf8('<svg/>')), undefined, 'SVG can carry script: refused');
});

test('image dimensions are refused before decoding when a side or the pixel count is too large', () => {
  assert.equal(imageProblem(4000, 3000), undefined);
  assert.match(imageProblem(imageLimits.maxSide + 1, 10) ?? '', /each side may be at most/);
  assert.match(imageProblem(10_000, 10_000) ?? '', /100000000 pixels in all; at most 50000000/);
  assert.match(imageProblem(2000, 2000, 20) ?? '', /pixels in all/, 'animation frames count');
  assert.match(imageProblem(0, 10) ?? '', /no dimensions/);
  assert.deepEqual(oriented(400, 300, 6), { width: 300, height: 400 }, 'a quarter turn swaps the sides');
  assert.deepEqual(oriented(400, 300, 3), { width: 400, height: 300 });
});

test('a signed link works until it expires, and only for the media and variant it names', () => {
  const claim = { mediaId: '0b9c7b1e-3a36-4c70-9d5e-0c5f6b2a1d11', variant: 'thumb', expires: 1000 } as const;
  const url = new URL(signedPath('key', claim), 'http://x.test');
  assert.equal(url.pathname, `/files/${claim.mediaId}/thumb`);
  const signature = url.searchParams.get('signature') ?? '';
  assert.equal(checkLink('key', claim, signature, 1000), 'valid');
  assert.equal(checkLink('key', claim, signature, 1001), 'expired');
  assert.equal(checkLink('key', { ...claim, variant: 'original' }, signature, 10), 'forged');
  assert.equal(checkLink('key', { ...claim, expires: 9999 }, signature, 10), 'forged', 'a later expiry is not ours');
  assert.equal(checkLink('other key', claim, signature, 10), 'forged');
  assert.equal(checkLink('key', claim, 'short', 10), 'forged');
});

test('names lose their path, control and direction characters; the header carries UTF-8 safely', () => {
  assert.equal(cleanName('../../etc/passwd', 'f'), 'passwd');
  assert.equal(cleanName('C:\\Users\\me\\photo.jpg', 'f'), 'photo.jpg');
  assert.equal(cleanName('invoice\u202Efdp.exe', 'f'), 'invoicefdp.exe', 'no right-to-left override');
  assert.equal(cleanName('  ', 'image.png'), 'image.png');
  assert.equal(cleanName(undefined, 'file.pdf'), 'file.pdf');
  assert.equal([...cleanName('字'.repeat(300), 'f')].length, 255);
  assert.equal(
    contentDisposition('attachment', '报告 "v2".pdf'),
    `attachment; filename="__ _v2_.pdf"; filename*=UTF-8''${encodeURIComponent('报告 "v2".pdf')}`,
  );
});
