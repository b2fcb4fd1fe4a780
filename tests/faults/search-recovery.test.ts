/**
 * The search service is only a copy of the chat history: stopped while messages are sent it
 * catches up from Kafka, and an index lost altogether comes back by a rebuild from the chat
 * service's export. Runs on a stack of its own (it stops the search service and removes its files).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { rebuildSearch } from '../../tools/search.ts';
import { defaultRunDir, type Stack, startStack } from '../../tools/stack/stack.ts';
import { call } from '../harness/http.ts';
import { newPerson, type Person } from '../harness/people.ts';
import { eventually } from '../harness/stack.ts';

interface Hit {
  messageId: string;
  snippet: string;
}

describe('search down and back, and rebuilt from the chat history', () => {
  let stack: Stack;
  let edge: string;
  let owner: Person;
  let member: Person;
  let groupId: string;
  const tag = `t${randomUUID().slice(0, 8)}`;
  const sent: string[] = [];

  /** Searches as a client does: a 503 (the edge's sidecar reconnecting after a restart) waits Retry-After. */
  const search = async (q: string) => {
    const query = new URLSearchParams({ q, limit: '50' });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await call<{ results: Hit[] }>(`${edge}/search?${query}`, { token: member.token });
      if (res.status !== 503 || Date.now() > deadline) {
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body.results;
      }
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
    }
  };
  const idsOf = (hits: Hit[]) => hits.map((h) => h.messageId).sort();
  const send = async (content: string) => {
    const res = await call<{ message: { id: string } }>(`${edge}/conversations/${groupId}/messages`, {
      body: { clientMsgId: randomUUID(), content },
      token: owner.token,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    sent.push(res.body.message.id);
    return res.body.message.id;
  };
  const searchApp = () => {
    const app = stack.apps.get('search');
    assert.ok(app, 'search is running');
    return app;
  };

  before(async () => {
    stack = await startStack({
      runDir: path.join(defaultRunDir('test'), `faults-search-${Date.now().toString(36)}`),
      portOffset: 3000,
      onlyApps: ['user', 'profile', 'chat', 'search'],
    });
    edge = stack.info.ingress?.url ?? '';
    const user = `http://127.0.0.1:${stack.apps.get('user')?.spec.port}`;
    [owner, member] = await Promise.all([newPerson(user, 'sf'), newPerson(user, 'sf')]);
    const group = await call<{ id: string }>(`${edge}/groups`, {
      body: { name: 'recovery', description: '', memberIds: [member.id] },
      token: owner.token,
    });
    assert.equal(group.status, 201);
    groupId = group.body.id;
  });
  after(async () => stack?.stop());

  test('stopped while messages are sent: after the restart all are found, each once', async () => {
    await send(`before the outage ${tag}`);
    await eventually(
      () => search(tag),
      (hits) => hits.length === 1,
      30_000,
      'the first message indexed',
    );
    await searchApp().stop();
    for (let i = 0; i < 20; i++) await send(`during the outage ${i} ${tag} 停机期间`);
    await searchApp().start();
    const hits = await eventually(
      () => search(tag),
      (h) => h.length === sent.length,
      60_000,
      `all ${sent.length} messages searchable after the restart`,
    );
    assert.deepEqual(idsOf(hits), [...sent].sort(), 'each message exactly once');
    assert.equal((await search('停机')).length, 20);
  });

  test('an index lost altogether is rebuilt from the chat history with the same results', async () => {
    const editedId = sent[1] ?? '';
    const deletedId = sent[2] ?? '';
    const edited = await call(`${edge}/messages/${editedId}`, {
      method: 'PATCH',
      body: { content: `rewritten ${tag} 新的内容` },
      token: owner.token,
    });
    assert.equal(edited.status, 200);
    assert.equal((await call(`${edge}/messages/${deletedId}`, { method: 'DELETE', token: owner.token })).status, 204);
    await eventually(
      () => search('新的内容'),
      (h) => h.length === 1,
      30_000,
      'the edit indexed',
    );
    await eventually(
      () => search(tag),
      (h) => h.length === sent.length - 1,
      30_000,
      'the delete applied',
    );
    const queries = [tag, '停机期间', '新的内容', 'outage'];
    const before = await Promise.all(queries.map(search));

    await searchApp().stop();
    rmSync(path.join(stack.info.runDir, 'data', 'search', 'index'), { recursive: true, force: true });
    await searchApp().start();
    assert.deepEqual(await search(tag), [], 'the restarted service has an empty index');

    const [result] = await rebuildSearch(stack.info);
    assert.equal(result?.messages, sent.length - 1, 'every stored message but the deleted one');
    const after = await Promise.all(queries.map(search));
    for (const [i, q] of queries.entries()) {
      assert.deepEqual(idsOf(after[i] ?? []), idsOf(before[i] ?? []), `the same hits for ${q}`);
      assert.deepEqual(
        (after[i] ?? []).map((h) => h.snippet).sort(),
        (before[i] ?? []).map((h) => h.snippet).sort(),
        `the same snippets for ${q}`,
      );
    }
  });
});
