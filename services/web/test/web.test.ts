/**
 * The web service in-process, on a bundle of its own (a temporary folder) and the shared stack's
 * web sidecar: readiness follows the bundle, HEAD answers without a body, files keep their type.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createDaprClient, createLogger, listen } from '@soulchat/platform';
import { sharedStack } from '../../../tests/harness/stack.ts';
import { buildApp } from '../src/app.ts';

describe('the web service', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'web-bundle-'));
  let server: Server;
  let base: string;

  before(async () => {
    const sidecar = sharedStack().apps.find((a) => a.id === 'web');
    if (!sidecar) throw new Error('the shared stack runs no web app');
    const dapr = createDaprClient({ httpPort: sidecar.daprHttpPort, apiToken: sidecar.daprApiToken });
    server = await listen(buildApp({ service: 'web', log: createLogger('web', 'silent'), dapr, root }), 0);
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(() => {
    server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('is not ready until the bundle is there, then ready', async () => {
    const missing = await fetch(`${base}/readyz`);
    assert.equal(missing.status, 503);
    assert.match(await missing.text(), /bundle/);
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
  });

  test('HEAD gives the length and no body; a file keeps its type and cache rule', async () => {
    mkdirSync(path.join(root, 'assets'), { recursive: true });
    writeFileSync(path.join(root, 'assets', 'app-1a2b.css'), 'body{color:red}');
    const head = await fetch(`${base}/assets/app-1a2b.css`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '15');
    assert.equal(await head.text(), '');
    const get = await fetch(`${base}/assets/app-1a2b.css`);
    assert.equal(await get.text(), 'body{color:red}');
    assert.match(get.headers.get('content-type') ?? '', /text\/css/);
    assert.match(get.headers.get('cache-control') ?? '', /immutable/);
  });

  test("a folder is not a file, and the ops routes stay the platform's", async () => {
    mkdirSync(path.join(root, 'assets.d'), { recursive: true });
    assert.equal((await fetch(`${base}/assets.d`)).status, 404);
    const metrics = await fetch(`${base}/metrics`);
    assert.match(await metrics.text(), /http_request/);
  });
});
