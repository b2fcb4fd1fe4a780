import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@soulchat/platform';
import type { WebSocket } from 'ws';
import type { MessageView } from '../domain/protocol.ts';
import { ClientConnection, closeCodes, type FetchRange } from './connection.ts';

/** Just enough of a socket to watch what the connection sends and when it closes it. */
function fakeSocket(bufferedAmount = 0) {
  const sent: string[] = [];
  const closes: number[] = [];
  const ws = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount,
    send: (text: string) => sent.push(text),
    close(code: number) {
      closes.push(code);
      ws.readyState = 2;
    },
  };
  return { ws, sent, closes };
}

const message = (seq: number): MessageView => ({
  id: `m${seq}`,
  conversationId: 'c',
  seq,
  senderId: 's',
  clientMsgId: `c${seq}`,
  kind: 'text',
  content: 'x'.repeat(100),
  attachment: null,
  createdAt: new Date(0).toISOString(),
  editedAt: null,
  deleted: false,
});

const log = createLogger('test', 'silent');
const limits = { sendBufferBytes: 1000, framesPer10s: 10 };

/** A connection with room to send, whose gaps are filled by `fetchRange`. */
function roomyConnection(fetchRange: FetchRange = async () => []) {
  const socket = fakeSocket();
  const conn = new ClientConnection(
    'u',
    socket.ws as unknown as WebSocket,
    { ...limits, sendBufferBytes: 1e9 },
    fetchRange,
    log,
  );
  return { ...socket, conn };
}

const sentSeqs = (sent: string[]) => sent.map((t) => (JSON.parse(t) as { message: { seq: number } }).message.seq);

test('a reader whose send buffer would overflow is closed with 4008 and sent nothing more', () => {
  const { ws, sent, closes } = fakeSocket(950);
  const conn = new ClientConnection('u', ws as unknown as WebSocket, limits, async () => [], log);
  conn.send({ v: 1, type: 'pong' });
  assert.equal(sent.length, 1, 'a small frame still fits');
  ws.bufferedAmount = 990;
  conn.send({ v: 1, type: 'message', message: message(1) });
  assert.deepEqual(closes, [closeCodes.slowConsumer]);
  conn.send({ v: 1, type: 'pong' });
  assert.equal(sent.length, 1);
});

test('gap fill: a message after a gap brings the missing ones first, in order, each once', async () => {
  const fetched: Array<[number, number]> = [];
  const { conn, sent } = roomyConnection(async (_c, after, until) => {
    fetched.push([after, until]);
    return [message(2), message(3)];
  });
  conn.syncQueued();
  await conn.deliver(message(1));
  await conn.deliver(message(4));
  await conn.deliver(message(3));
  assert.deepEqual(sentSeqs(sent), [1, 2, 3, 4]);
  assert.deepEqual(fetched, [[1, 3]]);
});

test('the frame budget refuses frames past capacity', () => {
  const { ws } = fakeSocket();
  const conn = new ClientConnection(
    'u',
    ws as unknown as WebSocket,
    { ...limits, framesPer10s: 3 },
    async () => [],
    log,
  );
  assert.deepEqual(
    [conn.allowFrame(), conn.allowFrame(), conn.allowFrame(), conn.allowFrame()],
    [true, true, true, false],
  );
});

test('a local delivery ahead of the fan-out reaches only devices whose place is known, and loses nothing', async () => {
  const { conn, sent } = roomyConnection(async (_c, after, until) =>
    [message(2), message(3)].filter((m) => m.seq > after && m.seq <= until),
  );
  conn.syncQueued();
  // No place yet: seq 3 must wait for the fan-out, or 1 and 2 (still on their way) would be skipped.
  assert.equal(await conn.deliver(message(3), undefined, true), false);
  assert.equal(await conn.deliver(message(1)), true);
  // Known place: seq 3 overtakes 2, which is filled first; the fan-out's later copies are repeats.
  assert.equal(await conn.deliver(message(3), undefined, true), true);
  assert.equal(await conn.deliver(message(2)), false);
  assert.equal(await conn.deliver(message(3)), false);
  assert.deepEqual(sentSeqs(sent), [1, 2, 3]);
});

test('a delivery waits behind work already queued (a sync under way), then goes out once, after it', async () => {
  const { conn, sent } = roomyConnection();
  let finishSync = () => {};
  let syncStarted = () => {};
  const started = new Promise<void>((resolve) => {
    syncStarted = resolve;
  });
  const syncDone = conn.enqueue(
    () =>
      new Promise<void>((resolve) => {
        finishSync = () => {
          conn.catchUp('c', 0, [message(1)]);
          resolve();
        };
        syncStarted();
      }),
  );
  conn.syncQueued();
  const later = conn.deliver(message(2));
  assert.ok(later instanceof Promise, 'queued behind the sync, not written at once');
  const repeat = conn.deliver(message(1));
  await started;
  assert.equal(sent.length, 0, 'nothing overtook the sync while it ran');
  finishSync();
  await syncDone;
  assert.deepEqual(await Promise.all([later, repeat]), [true, false]);
  assert.deepEqual(sentSeqs(sent), [1, 2]);
  // Nothing queued now: the next one is written at once.
  assert.equal(conn.deliver(message(3)), true);
  assert.equal(sent.length, 3);
});
