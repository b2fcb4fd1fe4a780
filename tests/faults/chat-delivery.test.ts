import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { AppWithSidecar } from '../../tools/stack/sidecar.ts';
import { defaultRunDir, type Stack, startStack } from '../../tools/stack/stack.ts';
import { connectDevice } from '../harness/chat-client.ts';
import { rootQuery } from '../harness/databases.ts';
import { call, type ErrorBody } from '../harness/http.ts';
import { ResilientDevice } from '../harness/resilient-device.ts';

/**
 * Delivery under faults, on a stack of its own: every acknowledged message reaches every
 * recipient device exactly once (after reconnects), and no message is stored twice.
 */
describe('chat delivery under faults', () => {
  let stack: Stack;
  const url = (instance: string) => `http://127.0.0.1:${stack.apps.get(instance)?.spec.port}`;
  const chatUrls = () => [url('chat-1'), url('chat-2')];

  async function person() {
    const name = `d_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const password = 'long enough password';
    const reg = await call<{ user: { id: string } }>(`${url('user')}/register`, {
      body: { username: name, email: `${name}@example.test`, password },
    });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    const login = await call<{ accessToken: string }>(`${url('user')}/login`, { body: { identifier: name, password } });
    return { id: reg.body.user.id, token: login.body.accessToken };
  }

  before(async () => {
    stack = await startStack({
      runDir: path.join(defaultRunDir('test'), `chat-faults-${Date.now().toString(36)}`),
      portOffset: 3000,
      onlyApps: ['user', 'profile', 'chat'],
    });
  });
  after(async () => stack?.stop());

  /** Sends `count` messages while `fault` runs, then checks exactly-once delivery and storage. */
  async function scenario(name: string, fault: () => Promise<void>, count = 30) {
    const [alice, bob] = [await person(), await person()];
    const dm = await call<{ id: string }>(`${url('chat-1')}/conversations/direct`, {
      body: { userId: bob.id },
      token: alice.token,
    });
    const [c1, c2] = chatUrls();
    const sender = new ResilientDevice([c1 ?? '', c2 ?? ''], alice.token, dm.body.id);
    const bobPhone = new ResilientDevice([c2 ?? '', c1 ?? ''], bob.token, dm.body.id);
    const bobLaptop = new ResilientDevice([c1 ?? '', c2 ?? ''], bob.token, dm.body.id);
    await Promise.all([sender.start(), bobPhone.start(), bobLaptop.start()]);
    try {
      const sending = (async () => {
        for (let i = 0; i < count; i++) {
          await sender.sendUntilAcked(`${name}-${i}`, `message ${i}`);
          await new Promise((r) => setTimeout(r, 30));
        }
      })();
      await new Promise((r) => setTimeout(r, 200));
      await fault();
      await sending;
      const seqs = [...sender.acks.values()].sort((a, b) => a - b);
      assert.deepEqual(
        seqs,
        Array.from({ length: count }, (_, i) => i + 1),
        'acks are 1..N with no gaps or repeats',
      );
      for (const device of [bobPhone, bobLaptop]) {
        await device.waitForAll(count);
        assert.deepEqual(
          [...device.received].sort((a, b) => a - b),
          seqs,
          'each recipient device got each message once',
        );
      }
      const stored = await rootQuery<{ n: number; distinct_ids: number }>(
        stack.info,
        'SELECT COUNT(*) AS n, COUNT(DISTINCT client_msg_id) AS distinct_ids FROM chat.messages WHERE conversation_id = ?',
        [dm.body.id],
      );
      assert.deepEqual([Number(stored[0]?.n), Number(stored[0]?.distinct_ids)], [count, count], 'stored once each');
    } finally {
      for (const d of [sender, bobPhone, bobLaptop]) d.stop();
    }
  }

  test('kill -9 of a chat instance mid-stream', async () => {
    const chat1 = stack.apps.get('chat-1');
    assert.ok(chat1);
    await scenario('kill', async () => {
      await chat1.kill('app');
      await new Promise((r) => setTimeout(r, 1000));
      await chat1.startApp();
    });
  });

  test("a restart of a chat instance's sidecar", async () => {
    const chat2 = stack.apps.get('chat-2');
    assert.ok(chat2);
    await scenario('sidecar', async () => {
      await chat2.kill('sidecar');
      await chat2.startSidecar();
    });
  });

  test('a graceful shutdown tells connected clients to reconnect (1012), and they resume elsewhere', async () => {
    const chat2 = stack.apps.get('chat-2');
    assert.ok(chat2);
    const listener = await person();
    const socket = await connectDevice(url('chat-2'), listener.token);
    await chat2.kill('app', 'SIGTERM');
    const closed = await socket.closed;
    assert.equal(closed.code, 1012);
    await chat2.startApp();
    const again = await connectDevice(url('chat-1'), listener.token);
    await again.close();
  });

  test('with small limits: a silent peer is cut off by the heartbeat, and groups stop at their member limit', async () => {
    const chat2 = stack.apps.get('chat-2');
    assert.ok(chat2);
    await chat2.stop();
    const small = new AppWithSidecar(stack.supervisor, stack.info, chat2.spec, {
      calleeIds: stack.info.topology.apps.map((a) => a.id),
      databaseUrl: chat2.describe().databaseUrl,
      env: { WS_HEARTBEAT_MS: '300', GROUP_MEMBER_LIMIT: '3' },
    });
    await small.start();
    try {
      const [owner, a, b, c] = [await person(), await person(), await person(), await person()];
      // A client that never answers pings looks like a dead network: it is terminated.
      const silent = new WebSocket(`${url('chat-2').replace('http', 'ws')}/ws`, {
        headers: { authorization: `Bearer ${owner.token}` },
        autoPong: false,
      });
      const closed = new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
      const started = Date.now();
      assert.equal(await closed, 1006, 'terminated without a closing handshake');
      assert.ok(Date.now() - started < 5000);
      const full = await call<{ id: string }>(`${url('chat-2')}/groups`, {
        body: { name: 'three', memberIds: [a.id, b.id] },
        token: owner.token,
      });
      assert.equal(full.status, 201);
      const fourth = await call<ErrorBody>(`${url('chat-2')}/groups/${full.body.id}/members`, {
        body: { userId: c.id },
        token: owner.token,
      });
      assert.equal(fourth.status, 409);
      const tooBig = await call<ErrorBody>(`${url('chat-2')}/groups`, {
        body: { name: 'four', memberIds: [a.id, b.id, c.id] },
        token: owner.token,
      });
      assert.equal(tooBig.status, 400);
    } finally {
      await small.stop();
      await chat2.start();
    }
  });

  test('a Kafka restart', async () => {
    await scenario('kafka', async () => {
      await stack.restartInfrastructure('kafka');
    });
  });

  test('a MariaDB restart', async () => {
    await scenario('mariadb', async () => {
      await stack.restartInfrastructure('mariadb');
    });
  });
});
