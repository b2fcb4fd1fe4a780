import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeExportCursor, encodeExportCursor, exportCursorMaxLength } from './export-cursor.ts';

test('an export cursor decodes to the message id it was made from', () => {
  const id = '0f8e2c4a-1b2d-4e6f-8a9b-0c1d2e3f4a5b';
  const text = encodeExportCursor(id);
  assert.match(text, /^[A-Za-z0-9_-]+$/, 'url-safe without escaping');
  assert.ok(text.length <= exportCursorMaxLength, 'within the bound the route enforces');
  assert.equal(decodeExportCursor(text), id);
});

test('decodeExportCursor refuses text that is not base64url', () => {
  assert.equal(decodeExportCursor(''), undefined);
  assert.equal(decodeExportCursor('not a cursor!'), undefined);
  assert.equal(decodeExportCursor('a+b/c='), undefined);
});

test('decodeExportCursor refuses base64url that does not name a message id', () => {
  const wrap = (value: string) => Buffer.from(value).toString('base64url');
  assert.equal(decodeExportCursor(wrap('0f8e2c4a')), undefined, 'no prefix');
  assert.equal(decodeExportCursor(wrap('n:12')), undefined, 'another list');
  assert.equal(decodeExportCursor(wrap('m:')), undefined, 'no id');
  assert.equal(decodeExportCursor(wrap("m:x' or 1=1")), undefined, 'characters no id has');
  assert.equal(decodeExportCursor(wrap(`m:${'x'.repeat(37)}`)), undefined, 'long id');
});

test('decodeExportCursor refuses an oversized cursor without decoding it', () => {
  assert.equal(decodeExportCursor('A'.repeat(exportCursorMaxLength + 1)), undefined);
});
