import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatSocket, type WebSocketLike } from './chat-socket.ts';

/** A scripted in-memory socket: records what the client sends, lets the test play the server. */
class ScriptedSocket implements WebSocketLike {
  static made: ScriptedSocket[] = [];
  /** A dead network: close() never completes, so no close event ever comes. */
  static hangOnClose = false;
  readyState = 0;
  sent: Array<{ type: string; [k: string]: unknown }> = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {
    ScriptedSocket.made.push(this);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as { type: string });
  }
  close(code = 1000, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    if (!ScriptedSocket.hangOnClose) queueMicrotask(() => this.onclose?.({ code, reason }));
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  serve(frame: object): void {
    this.onmessage?.({ data: JSON.stringify({ v: 1, ...frame }) });
  }
}

const until = async (ok: () => boolean, what: string) => {
  const deadline = Date.now() + 5_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 5 s`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

function socketUnderTest(tokens: boolean[]) {
  ScriptedSocket.made = [];
  return new ChatSocket({
    baseUrl: 'https://chat.example',
    token: async (fresh) => {
      tokens.push(fresh);
      return `t${tokens.length}`;
    },
    WebSocket: ScriptedSocket,
    heartbeatMs: 60,
    timeoutMs: 60,
    backoff: { baseMs: 10, maxMs: 20 },
  });
}

test('a silent link gets a ping, then is dropped and reconnected; the new link syncs and resends', async () => {
  const tokens: boolean[] = [];
  const chat = socketUnderTest(tokens);
  chat.follow('c1', 0);
  const started = chat.start();
  await until(() => ScriptedSocket.made.length === 1, 'the first connect');
  const first = ScriptedSocket.made[0] as ScriptedSocket;
  assert.equal(first.url, 'wss://chat.example/ws?access_token=t1');
  first.open();
  await started;
  assert.deepEqual(
    first.sent,
    [{ v: 1, type: 'sync', cursors: { c1: 0 } }],
    'a sync first (which opens live delivery), from the conversations followed before the start',
  );

  const acked = chat.send('c1', 'hello', { clientMsgId: 'm1' });
  await until(() => first.sent.some((f) => f.type === 'ping'), 'a ping after the heartbeat interval');
  await until(() => first.readyState === 3, 'the link dropped after no answer');
  await until(() => ScriptedSocket.made.length === 2, 'a reconnect');
  const second = ScriptedSocket.made[1] as ScriptedSocket;
  second.open();
  assert.deepEqual(
    second.sent.map((f) => [f.type, f.clientMsgId]),
    [
      ['sync', undefined],
      ['send', 'm1'],
    ],
    'the unacked send goes again with the same id',
  );
  second.serve({ type: 'ack', clientMsgId: 'm1', conversationId: 'c1', messageId: 'x', seq: 1, duplicate: true });
  assert.equal((await acked).seq, 1);
  assert.deepEqual(tokens, [false, false], 'a link that had opened reconnects with the same token');
  chat.close();
});

test('an upgrade that never opens is retried, with a fresh token once; close stops for good', async () => {
  const tokens: boolean[] = [];
  const chat = socketUnderTest(tokens);
  void chat.start();
  await until(() => ScriptedSocket.made.length === 1, 'the first connect');
  (ScriptedSocket.made[0] as ScriptedSocket).close(1006);
  await until(() => ScriptedSocket.made.length === 2, 'a retry');
  (ScriptedSocket.made[1] as ScriptedSocket).close(1006);
  await until(() => ScriptedSocket.made.length === 3, 'another retry');
  assert.deepEqual(tokens, [false, true, false], 'one fresh token per streak of refused upgrades');
  const pending = chat.send('c1', 'never sent');
  chat.close();
  await assert.rejects(pending, { code: 'CLOSED' });
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(ScriptedSocket.made.length, 3, 'no reconnect after close');
  assert.equal(chat.connectionState, 'closed');
});

test('reconnectNow skips the rest of a long backoff (the network is back), and does nothing while linked', async () => {
  ScriptedSocket.made = [];
  const chat = new ChatSocket({
    baseUrl: 'https://chat.example',
    token: async () => 't',
    WebSocket: ScriptedSocket,
    backoff: { baseMs: 60_000, maxMs: 60_000 },
    random: () => 1,
  });
  void chat.start();
  await until(() => ScriptedSocket.made.length === 1, 'the first connect');
  (ScriptedSocket.made[0] as ScriptedSocket).open();
  chat.reconnectNow();
  assert.equal(ScriptedSocket.made.length, 1, 'an open link is left alone');
  chat.dropLink();
  await until(() => chat.connectionState === 'reconnecting', 'the reconnect wait');
  assert.equal(ScriptedSocket.made.length, 1, 'the next attempt waits out the backoff');
  chat.reconnectNow();
  await until(() => ScriptedSocket.made.length === 2, 'an attempt right away');
  chat.close();
});

test('a link whose close handshake never finishes (no network) is given up and replaced', async () => {
  const chat = socketUnderTest([]);
  ScriptedSocket.hangOnClose = true;
  try {
    void chat.start();
    await until(() => ScriptedSocket.made.length === 1, 'the first connect');
    (ScriptedSocket.made[0] as ScriptedSocket).open();
    await until(() => ScriptedSocket.made.length === 2, 'a new link after the heartbeat timed out');
    const second = ScriptedSocket.made[1] as ScriptedSocket;
    second.open();
    chat.dropLink();
    assert.equal(chat.connectionState, 'reconnecting', 'no close event needed to notice');
    await until(() => ScriptedSocket.made.length === 3, 'a new link after a dropped one');
  } finally {
    ScriptedSocket.hangOnClose = false;
    chat.close();
  }
});
