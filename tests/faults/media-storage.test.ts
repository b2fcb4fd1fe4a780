/**
 * Object storage down and back: while the S3-compatible server is stopped, uploads and downloads
 * answer a prompt 503 UNAVAILABLE with Retry-After and record nothing; once it is back, uploads
 * work again and what was stored before comes back byte for byte. Runs on a stack of its own (it
 * stops the stack's s3proxy).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { photoWithLocation } from '../../services/media/test/fixtures.ts';
import { objectStoreProcess } from '../../tools/stack/object-store.ts';
import { defaultRunDir, type Stack, startStack } from '../../tools/stack/stack.ts';
import { rootQuery } from '../harness/databases.ts';
import { call, type ErrorBody } from '../harness/http.ts';
import { download, type Uploaded, upload } from '../harness/media.ts';
import { newPerson, type Person } from '../harness/people.ts';
import { eventually } from '../harness/stack.ts';

/**
 * Not the other fault suites' 3000: this offset shares no port with them, the test stacks at
 * 1000, 2200, 2400, 2600 or 2650 (and their profile and Tilt stacks, +150 to +350), the launcher
 * test (2000) or the benches (4000, 5400), so it can run beside any of them.
 */
const portOffset = 4250;

/** A dead store must be reported well inside Envoy's 25 s route timeout, never as a hang. */
const promptMs = 15_000;

/** Every file under `dir`, relative to it (the bucket's objects are files in folders). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

function assertUnavailable(reply: { status: number; headers: Headers }, body: string, what: string): void {
  assert.equal(reply.status, 503, `${what}: ${reply.status} ${body}`);
  assert.equal((JSON.parse(body) as ErrorBody).error.code, 'UNAVAILABLE', `${what}: ${body}`);
  assert.ok(Number(reply.headers.get('retry-after')) > 0, `${what}: Retry-After ${reply.headers.get('retry-after')}`);
}

describe('media storage down and back', () => {
  let stack: Stack;
  let edge: string;
  let alice: Person;
  let bob: Person;
  let bucketDir: string;
  let earlier: { id: string; link: string; bytes: Buffer };

  const mediaRows = async () =>
    (await rootQuery<{ id: string }>(stack.info, 'SELECT id FROM media.media ORDER BY id')).map((r) => r.id);

  before(async () => {
    stack = await startStack({
      runDir: path.join(defaultRunDir('test'), `faults-media-${Date.now().toString(36)}`),
      portOffset,
      onlyApps: ['user', 'profile', 'chat', 'media'],
    });
    edge = stack.info.ingress?.url ?? '';
    bucketDir = path.join(
      stack.info.runDir,
      'object-store',
      'data',
      stack.info.topology.infrastructure.objectStore.bucket,
    );
    const user = `http://127.0.0.1:${stack.apps.get('user')?.spec.port}`;
    [alice, bob] = await Promise.all([newPerson(user, 'ms'), newPerson(user, 'ms')]);
    const dm = await call<{ id: string }>(`${edge}/conversations/direct`, {
      body: { userId: bob.id },
      token: alice.token,
    });
    assert.ok([200, 201].includes(dm.status), JSON.stringify(dm.body));

    const up = await upload(edge, alice.token, await photoWithLocation(), 'before.jpg', 'image/jpeg');
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const sent = await call(`${edge}/conversations/${dm.body.id}/messages`, {
      body: { clientMsgId: randomUUID(), kind: 'image', content: '', attachment: { mediaId: up.body.id } },
      token: alice.token,
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    // Bob's link lives an hour: the outage and the restart fit well inside it.
    const view = await call<Uploaded>(`${edge}/media/${up.body.id}?ttlSeconds=3600`, { token: bob.token });
    assert.equal(view.status, 200, JSON.stringify(view.body));
    const first = await download(edge, view.body.links.original);
    assert.equal(first.status, 200);
    earlier = { id: up.body.id, link: view.body.links.original, bytes: first.bytes };
  });
  after(async () => stack?.stop());

  test('storage stopped: an upload is a prompt 503 with Retry-After and leaves no row and no object; a download link is a prompt 503', async () => {
    const rowsBefore = await mediaRows();
    const objectsBefore = filesUnder(bucketDir);
    assert.ok(rowsBefore.includes(earlier.id), 'the earlier upload is recorded');
    assert.ok(
      objectsBefore.some((f) => f.includes(earlier.id)),
      `its objects are in ${bucketDir}: ${objectsBefore.join(', ')}`,
    );

    await stack.supervisor.stop(objectStoreProcess);
    assert.equal(stack.supervisor.get(objectStoreProcess), undefined, 's3proxy is stopped');

    const photo = await photoWithLocation();
    const image = await timed(() => upload<ErrorBody>(edge, alice.token, photo, 'during.jpg'));
    assertUnavailable(image.value, JSON.stringify(image.value.body), 'image upload');
    assert.ok(image.ms < promptMs, `the image upload answered in ${image.ms} ms`);
    const file = await timed(() =>
      upload<ErrorBody>(edge, alice.token, Buffer.from('written during the outage'), 'during.txt'),
    );
    assertUnavailable(file.value, JSON.stringify(file.value.body), 'file upload');
    assert.ok(file.ms < promptMs, `the file upload answered in ${file.ms} ms`);

    assert.deepEqual(await mediaRows(), rowsBefore, 'no media row was recorded');
    assert.deepEqual(filesUnder(bucketDir), objectsBefore, 'no object was written to the bucket');

    const fetched = await timed(() => download(edge, earlier.link));
    assertUnavailable(fetched.value, fetched.value.bytes.toString(), 'download');
    assert.ok(fetched.ms < promptMs, `the download answered in ${fetched.ms} ms`);
  });

  test('storage started again: a new upload works and the earlier image downloads byte-identical', async () => {
    await stack.restartInfrastructure(objectStoreProcess);
    const text = Buffer.from(`written after the outage ${randomUUID()}`);
    // The binding reconnects on its own; allow it a few tries, but only a bounded time.
    const up = await eventually(
      () => upload(edge, alice.token, text, 'after.txt'),
      (r) => r.status !== 503,
      30_000,
      'an upload to be accepted again',
    );
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const again = await download(edge, up.body.links.original);
    assert.equal(again.status, 200);
    assert.ok(again.bytes.equals(text), 'the new upload downloads as sent');
    assert.ok((await mediaRows()).includes(up.body.id), 'and is recorded');

    const old = await download(edge, earlier.link);
    assert.equal(old.status, 200, old.bytes.toString());
    assert.ok(old.bytes.equals(earlier.bytes), 'the earlier image is byte-identical');
    const onDisk = readFileSync(path.join(bucketDir, 'media', earlier.id, 'original'));
    assert.ok(onDisk.equals(earlier.bytes), 'as it is in the bucket');
  });
});
