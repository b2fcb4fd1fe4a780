/**
 * Message search (the Go search service) through the Envoy ingress: what members find, what
 * others never see, and how edits, deletes, leaving and account deletion reach the index.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { rootQuery } from '../harness/databases.ts';
import { call, type ErrorBody } from '../harness/http.ts';
import { newPerson as newPersonAt, type Person } from '../harness/people.ts';
import { appUrl, eventually, sharedStack } from '../harness/stack.ts';

const edge = sharedStack().ingress?.url ?? '';
const user = appUrl('user');
const newPerson = () => newPersonAt(user, 's');

interface Hit {
  messageId: string;
  conversationId: string;
  senderId: string;
  snippet: string;
  editedAt: string | null;
}
interface Page {
  results: Hit[];
  nextCursor: string | null;
}

const search = (who: Person, params: Record<string, string>) =>
  call<Page>(`${edge}/search?${new URLSearchParams(params)}`, { token: who.token });
const hitsOf = async (who: Person, q: string) => (await search(who, { q })).body.results;

async function send(from: Person, conversationId: string, content: string): Promise<string> {
  const sent = await call<{ message: { id: string } }>(`${edge}/conversations/${conversationId}/messages`, {
    body: { clientMsgId: randomUUID(), content },
    token: from.token,
  });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  return sent.body.message.id;
}

/** Waits until `who` finds exactly these message ids for `q` (the index is eventually consistent). */
const found = (who: Person, q: string, ids: string[], extra: Record<string, string> = {}) =>
  eventually(
    async () => (await search(who, { q, ...extra })).body.results?.map((h) => h.messageId).sort(),
    (got) => JSON.stringify(got) === JSON.stringify([...ids].sort()),
    30_000,
    `search "${q}" to find ${ids.length} message(s)`,
  );

describe('search through the ingress', () => {
  let owner: Person;
  let member: Person;
  let outsider: Person;
  let groupId: string;
  const word = `w${randomUUID().slice(0, 8)}`;

  before(async () => {
    [owner, member, outsider] = await Promise.all([newPerson(), newPerson(), newPerson()]);
    const group = await call<{ id: string }>(`${edge}/groups`, {
      body: { name: 'search team', description: '', memberIds: [member.id] },
      token: owner.token,
    });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    groupId = group.body.id;
  });

  test('members find English, Chinese, Japanese and emoji text, with the match highlighted', async () => {
    const english = await send(owner, groupId, `the quarterly ${word} report is ready`);
    const chinese = await send(member, groupId, `今天晚上我们一起去吃火锅 ${word}`);
    const japanese = await send(owner, groupId, `明日は東京で会議があります ${word}`);
    const emoji = await send(member, groupId, `party time 🎉 ${word}`);
    await found(member, word, [english, chinese, japanese, emoji]);
    await found(owner, '火锅', [chinese]);
    await found(owner, '吃', [chinese]);
    await found(member, '東京', [japanese]);
    await found(member, '🎉', [emoji]);
    await found(owner, `REPORT ${word}`, [english]);
    const hit = (await search(member, { q: '火锅' })).body.results[0];
    assert.match(hit?.snippet ?? '', /<mark>火锅<\/mark>/);
    assert.equal(hit?.conversationId, groupId);
    assert.equal(hit?.senderId, member.id);
  });

  test('someone outside the conversation finds nothing, even naming it', async () => {
    const id = await send(owner, groupId, `secret plans ${word}x`);
    await found(member, `${word}x`, [id]);
    assert.deepEqual((await search(outsider, { q: `${word}x` })).body.results, []);
    assert.deepEqual((await search(outsider, { q: `${word}x`, conversationId: groupId })).body.results, []);
  });

  test('filters by sender and time, and pages with a cursor', async () => {
    const tag = `p${randomUUID().slice(0, 8)}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await send(i % 2 ? member : owner, groupId, `page ${tag} number ${i}`));
    await found(owner, tag, ids);
    await found(owner, tag, [ids[1] ?? '', ids[3] ?? ''], { senderId: member.id });
    await found(owner, tag, [], { to: '2001-01-01T00:00:00Z' });
    const seen: string[] = [];
    let cursor: string | null = '';
    for (let pages = 0; cursor !== null && pages < 10; pages++) {
      const params: Record<string, string> = { q: tag, limit: '2', ...(cursor ? { cursor } : {}) };
      const page: Page = (await search(owner, params)).body;
      assert.ok(page.results.length <= 2);
      seen.push(...page.results.map((h) => h.messageId));
      cursor = page.nextCursor;
    }
    assert.deepEqual([...seen].sort(), [...ids].sort(), 'every hit exactly once over the pages');
  });

  test('an edit is found by its new words, a deleted message no more', async () => {
    const old = `o${randomUUID().slice(0, 8)}`;
    const fresh = `n${randomUUID().slice(0, 8)}`;
    const id = await send(owner, groupId, `draft ${old}`);
    const gone = await send(owner, groupId, `mistake ${old}`);
    await found(member, old, [id, gone]);
    const edited = await call(`${edge}/messages/${id}`, {
      method: 'PATCH',
      body: { content: `final ${fresh}` },
      token: owner.token,
    });
    assert.equal(edited.status, 200);
    const deleted = await call(`${edge}/messages/${gone}`, { method: 'DELETE', token: owner.token });
    assert.ok(deleted.status === 200 || deleted.status === 204, `delete answered ${deleted.status}`);
    await found(member, fresh, [id]);
    await found(member, old, []);
    assert.ok((await search(member, { q: fresh })).body.results[0]?.editedAt);
  });

  test('a redelivered event changes nothing (applied once, by its envelope id)', async () => {
    const first = `r${randomUUID().slice(0, 8)}`;
    const later = `r${randomUUID().slice(0, 8)}`;
    const id = await send(owner, groupId, `original ${first}`);
    await found(member, first, [id]);
    const edited = await call(`${edge}/messages/${id}`, {
      method: 'PATCH',
      body: { content: `edited ${later}` },
      token: owner.token,
    });
    assert.equal(edited.status, 200);
    await found(member, later, [id]);
    // The very event the chat service published for the send, delivered once more as daprd would.
    const [row] = await rootQuery<{ payload: string }>(
      sharedStack(),
      "SELECT payload FROM chat.outbox WHERE topic = 'message.created' AND payload LIKE ?",
      [`%${id}%`],
    );
    assert.ok(row, 'the send left its event in the outbox');
    const searchApp = sharedStack().apps.find((a) => a.id === 'search');
    assert.ok(searchApp);
    const redelivered = await call<{ statuses: Array<{ status: string }> }>(
      `http://127.0.0.1:${searchApp.port}/events/message-created`,
      {
        body: {
          entries: [
            { entryId: '1', event: { id: randomUUID(), topic: 'message.created', data: JSON.parse(row.payload) } },
          ],
        },
        headers: { 'dapr-api-token': searchApp.appApiToken },
      },
    );
    assert.deepEqual(redelivered.body.statuses, [{ entryId: '1', status: 'SUCCESS' }]);
    assert.deepEqual(
      (await hitsOf(member, first)).map((h) => h.messageId),
      [],
      'the old text did not come back',
    );
    await found(member, later, [id]);
  });

  test('a member who leaves stops finding the group at once', async () => {
    const leaver = await newPerson();
    const added = await call(`${edge}/groups/${groupId}/members`, { body: { userId: leaver.id }, token: owner.token });
    assert.equal(added.status, 200);
    const tag = `l${randomUUID().slice(0, 8)}`;
    const id = await send(owner, groupId, `before leaving ${tag}`);
    await found(leaver, tag, [id]);
    const left = await call(`${edge}/groups/${groupId}/members/${leaver.id}`, {
      method: 'DELETE',
      token: leaver.token,
    });
    assert.equal(left.status, 204);
    assert.deepEqual((await search(leaver, { q: tag })).body.results, []);
  });

  test("a deleted account's messages leave the index", async () => {
    const quitter = await newPerson();
    await call(`${edge}/groups/${groupId}/members`, { body: { userId: quitter.id }, token: owner.token });
    const tag = `d${randomUUID().slice(0, 8)}`;
    const theirs = await send(quitter, groupId, `bye ${tag}`);
    const mine = await send(owner, groupId, `see you ${tag}`);
    await found(owner, tag, [theirs, mine]);
    const removed = await call(`${user}/me`, {
      method: 'DELETE',
      body: { password: quitter.password },
      token: quitter.token,
    });
    assert.ok(removed.status < 300, `account deletion answered ${removed.status}`);
    await found(owner, tag, [mine]);
  });

  test('bad input is a 400 with our error model, no token a 401', async () => {
    for (const params of [
      { q: '' },
      { q: 'x', limit: '0' },
      { q: 'x', cursor: 'nonsense!' },
      { q: 'x', from: 'soon' },
    ]) {
      const bad = await call<ErrorBody>(`${edge}/search?${new URLSearchParams(params)}`, { token: owner.token });
      assert.equal(bad.status, 400, JSON.stringify(params));
      assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    }
    const anonymous = await call<ErrorBody>(`${edge}/search?q=x`);
    assert.equal(anonymous.status, 401);
    assert.equal(typeof anonymous.body.error.message, 'string');
  });
});
