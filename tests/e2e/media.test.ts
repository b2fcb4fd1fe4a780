/**
 * Images and files through the Envoy ingress into real object storage (the S3-compatible server
 * behind the media service's Dapr binding): upload, send, receive, download, and who may not.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { blackPng, notAnImage, photoWithLocation, smallPng } from '../../services/media/test/fixtures.ts';
import { type ChatDevice, connectDevice } from '../harness/chat-client.ts';
import { call, type ErrorBody } from '../harness/http.ts';
import { download, type Uploaded, upload } from '../harness/media.ts';
import { newPerson as newPersonAt, type Person } from '../harness/people.ts';
import { appUrl, eventually, sharedStack } from '../harness/stack.ts';

const edge = sharedStack().ingress?.url ?? '';
const newPerson = () => newPersonAt(appUrl('user'), 'm');

interface SentMessage {
  message: { id: string; seq: number; kind: string; attachment: Record<string, unknown> | null };
  duplicate: boolean;
}

const sendUpload = (
  from: Person,
  conversationId: string,
  mediaId: string,
  kind = 'image',
  clientMsgId = randomUUID(),
) =>
  call<SentMessage & ErrorBody>(`${edge}/conversations/${conversationId}/messages`, {
    body: { clientMsgId, kind, content: 'look', attachment: { mediaId } },
    token: from.token,
  });

const viewAs = (who: Person, mediaId: string, ttlSeconds?: number) =>
  call<Uploaded & ErrorBody>(`${edge}/media/${mediaId}${ttlSeconds ? `?ttlSeconds=${ttlSeconds}` : ''}`, {
    token: who.token,
  });

async function directWith(a: Person, b: Person): Promise<string> {
  const dm = await call<{ id: string }>(`${edge}/conversations/direct`, { body: { userId: b.id }, token: a.token });
  assert.ok([200, 201].includes(dm.status), JSON.stringify(dm.body));
  return dm.body.id;
}

describe('media through the ingress', () => {
  let alice: Person;
  let bob: Person;
  let eve: Person;
  let direct: string;
  let bobDevice: ChatDevice;

  before(async () => {
    [alice, bob, eve] = await Promise.all([newPerson(), newPerson(), newPerson()]);
    direct = await directWith(alice, bob);
    bobDevice = await connectDevice(edge, bob.token);
  });
  after(() => bobDevice?.close());

  test('a photo is uploaded, sent and received with its layout facts; the member downloads it and its thumbnail', async () => {
    const up = await upload(edge, alice.token, await photoWithLocation(), 'holiday.jpg', 'image/jpeg');
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.kind, 'image');
    assert.equal(up.body.mimeType, 'image/jpeg');
    assert.deepEqual([up.body.width, up.body.height], [480, 640], 'upright: EXIF orientation applied');
    assert.equal(up.body.name, 'holiday.jpg');

    const sent = await sendUpload(alice, direct, up.body.id);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const shown = {
      mediaId: up.body.id,
      kind: 'image',
      mimeType: 'image/jpeg',
      width: 480,
      height: 640,
      hasThumbnail: true,
    };
    assert.deepEqual(
      { ...sent.body.message.attachment, name: undefined, size: undefined },
      { ...shown, name: undefined, size: undefined },
    );

    const frame = await bobDevice.waitFor(
      (f) => f.type === 'message' && (f.message as { id: string }).id === sent.body.message.id,
    );
    const received = (frame.message as { attachment: Record<string, unknown> }).attachment;
    assert.equal(received.mediaId, up.body.id);
    assert.equal(received.name, 'holiday.jpg');
    assert.equal(received.size, up.body.size);
    assert.deepEqual([received.width, received.height, received.hasThumbnail], [480, 640, true]);

    const view = await viewAs(bob, up.body.id);
    assert.equal(view.status, 200, JSON.stringify(view.body));
    const original = await download(edge, view.body.links.original);
    assert.equal(original.status, 200);
    assert.equal(original.headers.get('content-type'), 'image/jpeg');
    assert.equal(original.headers.get('x-content-type-options'), 'nosniff');
    assert.match(original.headers.get('content-disposition') ?? '', /^inline; filename="holiday\.jpg"/);
    assert.equal(original.bytes.length, up.body.size);
    const meta = await sharp(original.bytes).metadata();
    assert.deepEqual([meta.width, meta.height, meta.exif], [480, 640, undefined], 'stored without EXIF or GPS');

    const thumb = await download(edge, view.body.links.thumb ?? '');
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get('content-type'), 'image/webp');
    const thumbMeta = await sharp(thumb.bytes).metadata();
    assert.deepEqual([thumbMeta.format, thumbMeta.width, thumbMeta.height], ['webp', 240, 320]);
  });

  test('someone outside the conversation sees nothing, forged links fail, and a link stops working when it expires', async () => {
    const up = await upload(edge, alice.token, await smallPng(), 'p.png');
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal((await viewAs(eve, up.body.id)).status, 404, "not even the uploader's unsent upload");
    assert.equal((await sendUpload(alice, direct, up.body.id)).status, 201);
    const denied = await viewAs(eve, up.body.id);
    assert.equal(denied.status, 404);
    assert.equal(denied.body.error.code, 'NOT_FOUND');

    const short = await viewAs(bob, up.body.id, 1);
    assert.equal(short.status, 200);
    const forged = short.body.links.original.replace('/original?', '/thumb?');
    const forgedReply = await download(edge, forged);
    assert.equal(forgedReply.status, 403);
    assert.match(forgedReply.bytes.toString(), /not valid/);
    // The link works first (a positive barrier), then ends.
    assert.equal((await download(edge, short.body.links.original)).status, 200);
    const expired = await eventually(
      () => download(edge, short.body.links.original),
      (r) => r.status !== 200,
      10_000,
      'the one-second link to expire',
    );
    assert.equal(expired.status, 403);
    assert.match(expired.bytes.toString(), /expired/);
  });

  test('the type comes from the bytes: a renamed non-image is refused, text is a file that downloads as an attachment', async () => {
    const fake = await upload<ErrorBody>(edge, alice.token, notAnImage(), 'cat.png', 'image/png');
    assert.equal(fake.status, 415, JSON.stringify(fake.body));
    assert.equal(fake.body.error.code, 'UNSUPPORTED_MEDIA_TYPE');

    const text = await upload(
      edge,
      alice.token,
      Buffer.from('<script>alert(1)</script> 你好'),
      'notes.html',
      'text/html',
    );
    assert.equal(text.status, 201, JSON.stringify(text.body));
    assert.deepEqual([text.body.kind, text.body.mimeType, text.body.hasThumbnail], ['file', 'text/plain', false]);
    assert.equal(
      (await sendUpload(alice, direct, text.body.id, 'image')).status,
      400,
      'an image message needs an image',
    );
    const sent = await sendUpload(alice, direct, text.body.id, 'file');
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const file = await download(edge, (await viewAs(bob, text.body.id)).body.links.original);
    assert.equal(file.headers.get('content-type'), 'text/plain; charset=utf-8', 'never text/html');
    assert.match(file.headers.get('content-disposition') ?? '', /^attachment; /);
    assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
    assert.match(file.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.equal(file.bytes.toString(), '<script>alert(1)</script> 你好');
  });

  test('only the uploader sends an upload, into one conversation; a resend answers the same message', async () => {
    const up = await upload(edge, alice.token, await smallPng(), 'once.png');
    assert.equal((await sendUpload(bob, direct, up.body.id)).status, 404, "bob cannot send alice's upload");
    const clientMsgId = randomUUID();
    const first = await sendUpload(alice, direct, up.body.id, 'image', clientMsgId);
    assert.equal(first.status, 201);
    const again = await sendUpload(alice, direct, up.body.id, 'image', clientMsgId);
    assert.equal(again.status, 200);
    assert.equal(again.body.message.id, first.body.message.id);
    const elsewhere = await sendUpload(alice, await directWith(alice, eve), up.body.id);
    assert.equal(elsewhere.status, 409, JSON.stringify(elsewhere.body));
    const unknown = await sendUpload(alice, direct, randomUUID());
    assert.equal(unknown.status, 404);
    const noUpload = await call<ErrorBody>(`${edge}/conversations/${direct}/messages`, {
      body: { clientMsgId: randomUUID(), kind: 'image', content: '', attachment: { url: 'https://x.test/a.png' } },
      token: alice.token,
    });
    assert.equal(noUpload.status, 400, 'links made up by the client are not accepted any more');
  });

  test('oversize uploads get 413 at once, whether announced or streamed, without the rest being read', async () => {
    const announced = await fetch(`${edge}/media?name=big.bin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-length': String(26 * 1024 * 1024) },
      body: Buffer.alloc(26 * 1024 * 1024, 1),
      signal: AbortSignal.timeout(60_000),
    }).catch((err: Error) => err);
    assert.ok(!(announced instanceof Error), String(announced));
    assert.equal(announced.status, 413);

    let produced = 0;
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (produced >= 200 * chunk.length) return controller.close();
        produced += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const streamed = await upload<ErrorBody>(edge, alice.token, endless, 'big.txt').catch((err: Error) => err);
    assert.ok(!(streamed instanceof Error), String(streamed));
    assert.equal(streamed.status, 413);
    assert.equal(streamed.body.error.code, 'PAYLOAD_TOO_LARGE');
    assert.ok(
      produced < 100 * chunk.length,
      `reading stopped near the limit: ${produced / chunk.length} of 200 MiB sent`,
    );
  });

  test('a decompression bomb is refused before it is decoded', async () => {
    const bomb = await upload<ErrorBody>(edge, alice.token, await blackPng(10_000, 10_000), 'bomb.png');
    assert.equal(bomb.status, 400, JSON.stringify(bomb.body));
    assert.match(bomb.body.error.message, /pixels in all/);
  });

  test('recalling the message removes its objects: the upload and links are gone', async () => {
    const up = await upload(edge, alice.token, await smallPng(), 'gone.png');
    const sent = await sendUpload(alice, direct, up.body.id);
    const links = (await viewAs(bob, up.body.id)).body.links;
    assert.equal((await download(edge, links.thumb ?? '')).status, 200);
    const recall = await call(`${edge}/messages/${sent.body.message.id}`, { method: 'DELETE', token: alice.token });
    assert.ok([200, 204].includes(recall.status), JSON.stringify(recall.body));
    await eventually(
      () => viewAs(bob, up.body.id),
      (r) => r.status === 404,
      30_000,
      'the recalled upload to be removed',
    );
    assert.equal((await download(edge, links.original)).status, 404);
    assert.equal((await download(edge, links.thumb ?? '')).status, 404);
  });

  test("a deleted account's uploads are removed, sent or not", async () => {
    const leaver = await newPerson();
    const dm = await directWith(leaver, bob);
    const sentUp = await upload(edge, leaver.token, await smallPng(), 'sent.png');
    const unsent = await upload(edge, leaver.token, Buffer.from('draft'), 'draft.txt');
    assert.equal((await sendUpload(leaver, dm, sentUp.body.id)).status, 201);
    const link = (await viewAs(bob, sentUp.body.id)).body.links.original;
    assert.equal((await download(edge, link)).status, 200);
    const del = await call(`${edge}/me`, {
      method: 'DELETE',
      body: { password: leaver.password },
      token: leaver.token,
    });
    assert.ok([202, 204].includes(del.status), JSON.stringify(del.body));
    await eventually(
      () => viewAs(bob, sentUp.body.id),
      (r) => r.status === 404,
      30_000,
      "the deleted account's upload to be removed",
    );
    assert.equal((await download(edge, link)).status, 404);
    assert.equal((await download(edge, unsent.body.links.original)).status, 404, 'the unsent one too');
  });

  test('a profile picture is an upload: everyone signed in sees it, a new one replaces it, and a file cannot be one', async () => {
    const setAvatar = (mediaId: string | null, who = alice) =>
      call<{ imageUrl: string | null } & ErrorBody>(`${edge}/profiles/me`, {
        method: 'PATCH',
        body: { avatarMediaId: mediaId },
        token: who.token,
      });
    const first = await upload(edge, alice.token, await photoWithLocation(), 'me.jpg');
    const set = await setAvatar(first.body.id);
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.imageUrl, `/avatars/${first.body.id}/thumb`);
    const seen = await call<{ imageUrl: string }>(`${edge}/profiles/${alice.id}`, { token: eve.token });
    const picture = await download(edge, seen.body.imageUrl);
    assert.equal(picture.status, 200, 'no token, no signature: avatars are public');
    assert.equal(picture.headers.get('content-type'), 'image/webp');
    assert.match(picture.headers.get('cache-control') ?? '', /public/);
    assert.equal((await sharp(picture.bytes).metadata()).exif, undefined);
    assert.equal((await viewAs(eve, first.body.id)).status, 200, 'any signed-in user may view it');
    assert.equal((await sendUpload(alice, direct, first.body.id)).status, 409, 'a picture is not also a message');

    const second = await upload(edge, alice.token, await smallPng(), 'me2.png');
    assert.equal((await setAvatar(second.body.id)).status, 200);
    assert.equal((await download(edge, `/avatars/${first.body.id}/thumb`)).status, 404, 'the old picture is removed');
    assert.equal((await download(edge, `/avatars/${second.body.id}/thumb`)).status, 200);

    const text = await upload(edge, alice.token, Buffer.from('not a face'), 'face.txt');
    const refused = await setAvatar(text.body.id);
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal((await setAvatar(second.body.id, bob)).status, 404, "bob cannot wear alice's picture");
    const notAvatar = await upload(edge, alice.token, await smallPng(), 'plain.png');
    assert.equal((await download(edge, `/avatars/${notAvatar.body.id}/thumb`)).status, 404, 'only pictures are public');
    assert.equal((await setAvatar(null)).body.imageUrl, null);
  });

  test('uploads are rate limited per user', async () => {
    const replies: number[] = [];
    for (let i = 0; i < 40 && !replies.includes(429); i++)
      replies.push((await upload(edge, eve.token, Buffer.from(`note ${i}`), `n${i}.txt`)).status);
    assert.ok(replies.includes(429), `a 429 among ${replies.length} quick uploads`);
    assert.ok(
      replies.slice(0, 10).every((s) => s === 201),
      `the first ones pass: ${replies}`,
    );
  });
});
