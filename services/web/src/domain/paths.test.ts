import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheControlOf, contentSecurityPolicy, contentTypeOf } from './headers.ts';
import { targetOf } from './paths.ts';

test('files of the bundle are served, the page for extensionless paths, nothing outside the bundle', () => {
  assert.deepEqual(targetOf('/assets/index-abc.js'), { file: 'assets/index-abc.js' });
  assert.deepEqual(targetOf('/'), { page: true });
  assert.deepEqual(targetOf('/conversations-view'), { page: true });
  assert.deepEqual(targetOf('/../../etc/passwd'), { none: true });
  assert.deepEqual(targetOf('/%2e%2e/%2e%2e/etc/passwd'), { none: true });
  assert.deepEqual(targetOf('/assets/..%5c..%5csecret.txt'), { none: true });
  assert.deepEqual(targetOf('/.env'), { none: true });
  assert.deepEqual(targetOf('/%E0%A4%A'), { none: true });
});

test('hashed assets are cached for good, the page never without asking', () => {
  assert.match(cacheControlOf('assets/index-abc.js'), /immutable/);
  assert.equal(cacheControlOf('index.html'), 'no-cache');
  assert.equal(contentTypeOf('assets/x.CSS'), 'text/css; charset=utf-8');
  assert.equal(contentTypeOf('weird.bin'), 'application/octet-stream');
});

test('the policy allows no inline script and no framing', () => {
  assert.match(contentSecurityPolicy, /script-src 'self'(;|$)/);
  assert.doesNotMatch(contentSecurityPolicy, /unsafe-inline|unsafe-eval/);
  assert.match(contentSecurityPolicy, /frame-ancestors 'none'/);
});
