/**
 * The web app's files through the ingress: every path no API route claims is the app's, with its
 * security headers; the API keeps answering JSON; nothing outside the bundle is served.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sharedStack } from '../harness/stack.ts';

const base = sharedStack().ingress?.url ?? '';

describe('the web app through the ingress', () => {
  test('the page and its hashed assets, with a strict policy and long caching for assets only', async () => {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'.*script-src 'self'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, html);
    assert.doesNotMatch(html, /<script>[^<]/, 'no inline script');
    const asset = await fetch(`${base}${script}`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /text\/javascript/);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
  });

  test('an app address without an extension gets the page; the API is not shadowed', async () => {
    const deep = await fetch(`${base}/some/app/address`);
    assert.equal(deep.status, 200);
    assert.match(await deep.text(), /<div id="root">/);
    const api = await fetch(`${base}/conversations`);
    assert.equal(api.status, 401);
    assert.match(api.headers.get('content-type') ?? '', /json/);
  });

  test('missing files, escapes from the bundle and writes are clear JSON errors', async () => {
    // Envoy resolves dot segments first, so an escape ends inside the bundle's own tree.
    for (const p of ['/assets/nope.js', '/assets/%2e%2e/%2e%2e/%2e%2e/etc/ssl/openssl.cnf', '/.env']) {
      const res = await fetch(`${base}${p}`);
      assert.equal(res.status, 404, p);
      const body = (await res.json()) as { error: { code: string } };
      assert.equal(body.error.code, 'NOT_FOUND', p);
    }
    const passwd = await fetch(`${base}/%2e%2e/%2e%2e/etc/passwd`);
    assert.doesNotMatch(await passwd.text(), /root:/);
    const post = await fetch(`${base}/anything`, { method: 'POST', body: '{}' });
    assert.equal(post.status, 404);
    assert.equal(((await post.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
    const internal = await fetch(`${base}/internal/keys`);
    assert.equal(internal.status, 404, 'never the page, even for a read');
  });
});
