import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createDaprClient, createDatabase, createLogger, migrateToLatest } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { type FreshDatabase, freshDatabase } from '../../../tests/harness/database.ts';
import { addMember, insertConversation } from '../src/db/conversations.repository.ts';
import type { Database } from '../src/db/schema.ts';
import {
  changeRole,
  describeConversation,
  editGroup,
  removeGroupMember,
  transferOwnership,
} from '../src/use-cases/conversations.ts';
import type { ChatDeps } from '../src/use-cases/deps.ts';
import { edit, history, markRead, react, recall } from '../src/use-cases/messages.ts';
import { createSender } from '../src/use-cases/send.ts';
import { offlineConfig } from './config.ts';
import { codeOf } from './errors.ts';

/**
 * Group roles and message changes in-process, on a fresh chat database (the shared stack's
 * MariaDB). None of these asks another service, so no sidecar takes part.
 */
describe('chat groups and message changes, in-process', () => {
  let fresh: FreshDatabase;
  let db: Kysely<Database>;
  let deps: ChatDeps;
  before(async () => {
    fresh = await freshDatabase('chat_groups');
    db = createDatabase<Database>({ url: fresh.url, poolSize: 4 });
    await migrateToLatest(db, path.join(import.meta.dirname, '../src/db/migrations'));
    const core = {
      db,
      dapr: createDaprClient({ httpPort: 9 }),
      log: createLogger('chat', 'silent'),
      config: offlineConfig({ DATABASE_URL: fresh.url }),
      nudgeRelay: () => undefined,
    };
    deps = { ...core, sends: createSender(core, { concurrency: 2, maxBatch: 10, lingerMs: 0 }) };
  });
  after(async () => {
    await db?.destroy();
    await fresh?.drop();
  });

  /** A group of an owner and members (ids are fresh, so tests never see each other's rows). */
  const group = async (size: number) => {
    const ids = Array.from({ length: size }, () => randomUUID());
    const id = randomUUID();
    const [owner = ''] = ids;
    await insertConversation(db, { id, kind: 'group', directKey: null, name: 'g', description: '', createdBy: owner });
    for (const m of ids) await addMember(db, id, m, m === owner ? 'owner' : 'member');
    return { id, ids };
  };
  const roles = async (id: string, viewer: string) =>
    Object.fromEntries((await describeConversation(deps, id, viewer)).members.map((m) => [m.userId, m.role]));
  const updates = (messageId: string) =>
    db
      .selectFrom('outbox')
      .select('payload')
      .where('topic', '=', 'message.updated')
      .where('payload', 'like', `%${messageId}%`)
      .execute();

  test('only the owner changes roles; admins remove members, members only themselves; the owner leaves after a transfer', async () => {
    const { id, ids } = await group(4);
    const [owner = '', admin = '', member = '', other = ''] = ids;
    assert.equal(await codeOf(changeRole(deps, id, member, admin, 'admin')), 'FORBIDDEN');
    await changeRole(deps, id, owner, admin, 'admin');
    assert.equal(await codeOf(changeRole(deps, id, admin, member, 'admin')), 'FORBIDDEN', 'admins do not change roles');
    assert.equal(await codeOf(removeGroupMember(deps, id, member, other)), 'FORBIDDEN');
    await removeGroupMember(deps, id, admin, other);
    await removeGroupMember(deps, id, member, member);
    assert.deepEqual(await roles(id, owner), { [owner]: 'owner', [admin]: 'admin' });
    assert.equal(await codeOf(removeGroupMember(deps, id, owner, owner)), 'CONFLICT', 'the owner hands over first');
    await transferOwnership(deps, id, owner, admin);
    assert.deepEqual(await roles(id, admin), { [owner]: 'admin', [admin]: 'owner' });
    await removeGroupMember(deps, id, owner, owner);
    assert.equal(await codeOf(editGroup(deps, id, owner, { name: 'gone' })), 'FORBIDDEN', 'a former member');
    assert.equal((await editGroup(deps, id, admin, { name: 'renamed' })).name, 'renamed');
  });

  test('an edit, a reaction and a recall are stored with their message.updated event; others may not edit', async () => {
    const { id, ids } = await group(2);
    const [sender = '', reader = ''] = ids;
    const { message } = await deps.sends.send(sender, {
      conversationId: id,
      clientMsgId: 'c1',
      kind: 'text',
      content: 'hi',
    });
    assert.equal(await codeOf(edit(deps, reader, message.id, 'not mine')), 'FORBIDDEN');
    assert.equal((await edit(deps, sender, message.id, 'hello')).content, 'hello');
    assert.deepEqual(await react(deps, reader, message.id, '👍', true), { '👍': [reader] });
    await recall(deps, sender, message.id);
    const [stored] = (await history(deps, reader, id, { limit: 10 })).items;
    assert.deepEqual([stored?.deleted, stored?.content], [true, '']);
    const changes = (await updates(message.id)).map((r) => (JSON.parse(r.payload) as { change: string }).change);
    assert.deepEqual(changes.sort(), ['deleted', 'edited', 'reactions']);
    assert.equal(
      await codeOf(edit(deps, sender, message.id, 'again')),
      'CONFLICT',
      'a recalled message stays recalled',
    );
  });

  test('read receipts never pass the last message; history pages back and forward by seq', async () => {
    const { id, ids } = await group(2);
    const [a = '', b = ''] = ids;
    for (let n = 1; n <= 5; n++)
      await deps.sends.send(a, { conversationId: id, clientMsgId: `h${n}`, kind: 'text', content: `n${n}` });
    assert.equal(await markRead(deps, b, id, 99), 5);
    const back = await history(deps, b, id, { before: 4, limit: 2 });
    assert.deepEqual(
      back.items.map((m) => m.seq),
      [2, 3],
    );
    const forward = await history(deps, b, id, { after: 3, limit: 10 });
    assert.deepEqual(
      forward.items.map((m) => m.seq),
      [4, 5],
    );
    assert.equal(forward.lastSeq, 5);
    assert.equal(await codeOf(history(deps, randomUUID(), id, { limit: 1 })), 'FORBIDDEN');
  });
});
