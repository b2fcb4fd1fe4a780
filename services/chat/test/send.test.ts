import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createDaprClient, createDatabase, createLogger, migrateToLatest } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { type FreshDatabase, freshDatabase } from '../../../tests/harness/database.ts';
import { applyBlockChange } from '../src/db/blocks.repository.ts';
import { addMember, insertConversation } from '../src/db/conversations.repository.ts';
import type { Database } from '../src/db/schema.ts';
import { directKey } from '../src/domain/conversation.ts';
import { createSender, type SendInput } from '../src/use-cases/send.ts';
import { offlineConfig } from './config.ts';
import { codeOf } from './errors.ts';

/**
 * The batched send path in-process, on a fresh chat database (the shared stack's MariaDB): what
 * the end-to-end suites check through sockets, here with many sends racing in one process.
 */
describe('chat sends, batched', () => {
  let fresh: FreshDatabase;
  let db: Kysely<Database>;
  let sender: ReturnType<typeof createSender>;
  let nudges = 0;
  before(async () => {
    fresh = await freshDatabase('chat_send');
    db = createDatabase<Database>({ url: fresh.url, poolSize: 8 });
    await migrateToLatest(db, path.join(import.meta.dirname, '../src/db/migrations'));
    const config = offlineConfig({ DATABASE_URL: fresh.url });
    const core = {
      db,
      // Sending calls no other service: the client exists only to satisfy the deps.
      dapr: createDaprClient({ httpPort: 9 }),
      log: createLogger('chat', 'silent'),
      config,
      nudgeRelay: () => {
        nudges++;
      },
    };
    sender = createSender(core, { concurrency: 4, maxBatch: 100, lingerMs: 2 });
  });
  after(async () => {
    await db?.destroy();
    await fresh?.drop();
  });

  const conversation = async (kind: 'direct' | 'group', members: string[]) => {
    const id = randomUUID();
    const [a = '', b = ''] = members;
    await insertConversation(db, {
      id,
      kind,
      directKey: kind === 'direct' ? directKey(a, b) : null,
      name: kind,
      description: '',
      createdBy: a,
    });
    for (const m of members) await addMember(db, id, m, m === a && kind === 'group' ? 'owner' : 'member');
    return id;
  };
  const input = (conversationId: string, clientMsgId: string = randomUUID(), content = 'hello'): SendInput => ({
    conversationId,
    clientMsgId,
    kind: 'text',
    content,
  });

  test("300 racing sends in one group get seqs 1..300 once each, in each sender's order, each with its event", async () => {
    const members = [randomUUID(), randomUUID(), randomUUID()];
    const group = await conversation('group', members);
    const sends = Array.from({ length: 300 }, (_, i) => ({ from: members[i % 3] ?? '', n: i }));
    const results = await Promise.all(sends.map((s) => sender.send(s.from, input(group, `m-${s.n}`, `n${s.n}`))));
    const seqs = results.map((r) => r.message.seq);
    assert.deepEqual(
      [...seqs].sort((a, b) => a - b),
      Array.from({ length: 300 }, (_, i) => i + 1),
    );
    for (const member of members) {
      const mine = sends.flatMap((s, i) => (s.from === member ? [seqs[i] ?? 0] : []));
      assert.deepEqual(
        mine,
        [...mine].sort((a, b) => a - b),
        "a sender's messages keep their order",
      );
    }
    const events = await db
      .selectFrom('outbox')
      .select('partition_key')
      .where('topic', '=', 'message.created')
      .execute();
    assert.equal(events.filter((e) => e.partition_key === group).length, 300);
    assert.ok(nudges > 0 && nudges <= 300, `the relay was nudged per batch (${nudges})`);
  });

  test('a resend, even while the first is in flight, returns the stored message; the id in another conversation is a conflict', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const dm = await conversation('direct', [a, b]);
    const other = await conversation('group', [a, b]);
    const [first, racing] = await Promise.all([sender.send(a, input(dm, 'same')), sender.send(a, input(dm, 'same'))]);
    assert.equal(racing.message.id, first.message.id);
    assert.deepEqual([first.duplicate, racing.duplicate].sort(), [false, true]);
    const later = await sender.send(a, input(dm, 'same'));
    assert.deepEqual([later.message.id, later.duplicate], [first.message.id, true]);
    assert.equal(await codeOf(sender.send(a, input(other, 'same'))), 'CONFLICT');
    const stored = await db.selectFrom('messages').select('id').where('client_msg_id', '=', 'same').execute();
    assert.equal(stored.length, 1);
  });

  test('refuses non-members, unknown conversations and blocked pairs; a newer unblock lets them through', async () => {
    const [a, b, outsider] = [randomUUID(), randomUUID(), randomUUID()];
    const dm = await conversation('direct', [a, b]);
    assert.equal(await codeOf(sender.send(outsider, input(dm))), 'FORBIDDEN');
    assert.equal(await codeOf(sender.send(a, input(randomUUID()))), 'NOT_FOUND');
    const t0 = new Date();
    await applyBlockChange(db, { blockerId: b, blockedId: a, blocked: true, changedAt: t0 });
    assert.equal(await codeOf(sender.send(a, input(dm))), 'FORBIDDEN');
    assert.equal(await codeOf(sender.send(b, input(dm))), 'FORBIDDEN', 'the blocker cannot write either');
    await applyBlockChange(db, {
      blockerId: b,
      blockedId: a,
      blocked: false,
      changedAt: new Date(t0.getTime() + 1000),
    });
    // A stale copy of the block, delivered late, changes nothing.
    await applyBlockChange(db, { blockerId: b, blockedId: a, blocked: true, changedAt: t0 });
    assert.equal(await codeOf(sender.send(a, input(dm))), 'OK');
  });
});
