import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { eventually } from '../harness/stack.ts';
import { invokeMedia, type MediaSidecar, startMediaSidecar } from './media-sidecar.ts';
import { profileOffsets } from './profile-stack.ts';

const presignAnswer = z.object({ presignURL: z.string().url() });

/** Bytes no text decoding survives (a NUL, invalid UTF-8), so a lossy path would show. */
const payload = (size: number) => Buffer.concat([Buffer.from([0, 0xff, 0xfe, 0x80]), randomBytes(size - 4)]);

async function assertStoredAndRead(sidecar: MediaSidecar, key: string, data: Buffer): Promise<void> {
  const created = await invokeMedia(sidecar, 'create', key, { data });
  assert.equal(created.status, 200, created.body.toString());
  const read = await invokeMedia(sidecar, 'get', key);
  assert.equal(read.status, 200, read.body.toString());
  assert.ok(read.body.equals(data), `get returns the ${data.length} bytes stored (got ${read.body.length})`);
}

async function assertDeleted(sidecar: MediaSidecar, key: string): Promise<void> {
  const deleted = await invokeMedia(sidecar, 'delete', key);
  assert.ok(deleted.status < 300, `delete answered ${deleted.status}: ${deleted.body.toString()}`);
  const gone = await invokeMedia(sidecar, 'get', key);
  assert.equal(gone.status, 500, `get after delete: ${gone.status} ${gone.body.toString()}`);
}

describe('the media binding on real storage', { timeout: 300_000 }, () => {
  test('kafka-redis: bindings.aws.s3 on s3proxy stores, reads, presigns (refused forged, unsigned or expired) and deletes an object', async () => {
    const sidecar = await startMediaSidecar('kafka-redis', profileOffsets.media);
    try {
      const store = sidecar.topology.infrastructure.objectStore;
      const key = `test/${randomBytes(6).toString('hex')}.bin`;
      const data = payload(64 * 1024);
      await assertStoredAndRead(sidecar, key, data);
      // Really in the server's bucket folder under the run dir, not somewhere in the sidecar.
      const onDisk = path.join(sidecar.runDir, 'object-store', 'data', store.bucket, key);
      assert.ok(existsSync(onDisk) && readFileSync(onDisk).equals(data), `${onDisk} holds the object`);

      const presigned = await invokeMedia(sidecar, 'presign', key, { metadata: { presignTTL: '1m' } });
      assert.equal(presigned.status, 200, presigned.body.toString());
      const url = new URL(presignAnswer.parse(JSON.parse(presigned.body.toString())).presignURL);
      assert.equal(url.host, `127.0.0.1:${store.port}`);
      const download = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      assert.equal(download.status, 200);
      assert.ok(Buffer.from(await download.arrayBuffer()).equals(data), 'the presigned URL serves the bytes');
      // The server checks signatures: the same URL with its signature altered, or none, is refused.
      const forged = new URL(url);
      forged.searchParams.set('X-Amz-Signature', '0'.repeat(64));
      assert.equal((await fetch(forged)).status, 403, 'a forged signature is refused');
      assert.equal((await fetch(`${url.origin}${url.pathname}`)).status, 403, 'an unsigned GET is refused');
      // A short-lived URL works, then stops working once its TTL has passed.
      const brief = await invokeMedia(sidecar, 'presign', key, { metadata: { presignTTL: '2s' } });
      const briefUrl = presignAnswer.parse(JSON.parse(brief.body.toString())).presignURL;
      assert.equal((await fetch(briefUrl)).status, 200, 'fresh');
      const status = async () => (await fetch(briefUrl)).status;
      assert.equal(await eventually(status, (s) => s !== 200, 15_000, 'the URL to expire'), 403);

      await assertDeleted(sidecar, key);
      assert.equal(existsSync(onDisk), false, 'the object left the bucket folder');
    } finally {
      await sidecar.stop();
    }
  });

  test('kafka-redis: a 20 MiB upload passes the raised sidecar body limit and comes back whole', async () => {
    const sidecar = await startMediaSidecar('kafka-redis', profileOffsets.media);
    try {
      // Base64 in JSON makes it ~27 MB: over Dapr's default 4Mi, and a multipart upload to S3.
      const key = `test/${randomBytes(6).toString('hex')}-large.bin`;
      await assertStoredAndRead(sidecar, key, payload(20 * 1024 * 1024));
      await assertDeleted(sidecar, key);
    } finally {
      await sidecar.stop();
    }
  });

  test('memory: bindings.localstorage keeps the object as a file under the run dir', async () => {
    const sidecar = await startMediaSidecar('memory', profileOffsets.media);
    try {
      assert.equal(sidecar.supervisor.get('s3proxy'), undefined, 'no object store in this profile');
      const key = `test/${randomBytes(6).toString('hex')}.bin`;
      const data = payload(64 * 1024);
      await assertStoredAndRead(sidecar, key, data);
      const onDisk = path.join(sidecar.runDir, 'media-objects', key);
      assert.ok(existsSync(onDisk) && readFileSync(onDisk).equals(data), `${onDisk} holds the object`);
      await assertDeleted(sidecar, key);
      assert.equal(existsSync(onDisk), false, 'the file is gone');
    } finally {
      await sidecar.stop();
    }
  });
});
