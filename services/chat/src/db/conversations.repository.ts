import { type Kysely, sql, type Transaction } from 'kysely';
import type { ConversationKind, ConversationRow, Database, MemberRole, MemberRow } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertConversation(
  db: Db,
  c: {
    id: string;
    kind: ConversationKind;
    directKey: string | null;
    name: string;
    description: string;
    createdBy: string;
  },
): Promise<void> {
  await db
    .insertInto('conversations')
    .values({
      id: c.id,
      kind: c.kind,
      direct_key: c.directKey,
      name: c.name,
      description: c.description,
      created_by: c.createdBy,
      last_seq: 0,
    })
    .execute();
}

export async function findConversation(db: Db, id: string): Promise<ConversationRow | undefined> {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findDirect(db: Db, key: string): Promise<ConversationRow | undefined> {
  return db.selectFrom('conversations').selectAll().where('direct_key', '=', key).executeTakeFirst();
}

/**
 * Reserves `n` sequence numbers in each conversation; seqEnds, in the same transaction, then
 * says where each ends. The UPDATE locks the rows (in primary-key order, so two batches cannot
 * deadlock each other) until the transaction ends: concurrent batches get consecutive ranges
 * with no gaps and no repeats.
 */
export function seqReservation(db: Db, counts: Map<string, number>) {
  const cases = sql.join(
    [...counts].map(([id, n]) => sql`when ${id} then ${n}`),
    sql` `,
  );
  return db
    .updateTable('conversations')
    .set({ last_seq: sql`last_seq + case id ${cases} end` })
    .where('id', 'in', [...counts.keys()]);
}

export function seqEnds(db: Db, ids: string[]) {
  return db.selectFrom('conversations').select(['id', 'last_seq']).where('id', 'in', ids);
}

/** Each conversation's kind and member ids, in joining order (see byConversation). */
export function conversationsWithMembers(db: Db, ids: string[]) {
  return db
    .selectFrom('conversations')
    .leftJoin('members', 'members.conversation_id', 'conversations.id')
    .select(['conversations.id', 'conversations.kind', 'members.user_id'])
    .where('conversations.id', 'in', ids)
    .orderBy('members.joined_at');
}

export type ConversationMembers = Map<string, { kind: ConversationKind; memberIds: string[] }>;

export function byConversation(
  rows: Array<{ id: string; kind: ConversationKind; user_id: string | null }>,
): ConversationMembers {
  const out: ConversationMembers = new Map();
  for (const row of rows) {
    const entry = out.get(row.id) ?? { kind: row.kind, memberIds: [] };
    if (row.user_id) entry.memberIds.push(row.user_id);
    out.set(row.id, entry);
  }
  return out;
}

export async function updateGroup(db: Db, id: string, changes: { name?: string; description?: string }): Promise<void> {
  await db
    .updateTable('conversations')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function addMember(db: Db, conversationId: string, userId: string, role: MemberRole): Promise<void> {
  await db
    .insertInto('members')
    .values({ conversation_id: conversationId, user_id: userId, role, read_seq: 0 })
    .onDuplicateKeyUpdate({ conversation_id: conversationId })
    .execute();
}

export async function removeMember(db: Db, conversationId: string, userId: string): Promise<void> {
  await db.deleteFrom('members').where('conversation_id', '=', conversationId).where('user_id', '=', userId).execute();
}

export async function findMember(db: Db, conversationId: string, userId: string): Promise<MemberRow | undefined> {
  return db
    .selectFrom('members')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function listMembers(db: Db, conversationId: string): Promise<MemberRow[]> {
  return db
    .selectFrom('members')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('joined_at')
    .execute();
}

export async function countMembers(db: Db, conversationId: string): Promise<number> {
  const row = await db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('conversation_id', '=', conversationId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setRole(db: Db, conversationId: string, userId: string, role: MemberRole): Promise<void> {
  await db
    .updateTable('members')
    .set({ role })
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .execute();
}

/** Read pointers only move forward, so a late, older receipt cannot undo a newer one. */
export async function advanceRead(db: Db, conversationId: string, userId: string, seq: number): Promise<void> {
  await db
    .updateTable('members')
    .set({ read_seq: seq })
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .where('read_seq', '<', seq)
    .execute();
}

export async function conversationsOf(db: Db, userId: string) {
  return db
    .selectFrom('members')
    .innerJoin('conversations', 'conversations.id', 'members.conversation_id')
    .select([
      'conversations.id',
      'conversations.kind',
      'conversations.name',
      'conversations.last_seq',
      'members.role',
      'members.read_seq',
      'conversations.updated_at',
    ])
    .where('members.user_id', '=', userId)
    .orderBy('conversations.updated_at', 'desc')
    .execute();
}

/** The ids of the conversations a user is a member of now (served by the members_by_user index). */
export async function conversationIdsOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('members')
    .select('conversation_id')
    .where('user_id', '=', userId)
    .orderBy('conversation_id')
    .execute();
  return rows.map((r) => r.conversation_id);
}

/** Removes a deleted user from every conversation. */
export async function removeUserEverywhere(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('members').where('user_id', '=', userId).execute();
}

/** Which of `userIds` share at least one conversation with `viewerId`. */
export async function sharingAConversation(db: Db, viewerId: string, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('members as mine')
    .innerJoin('members as theirs', 'theirs.conversation_id', 'mine.conversation_id')
    .select('theirs.user_id')
    .distinct()
    .where('mine.user_id', '=', viewerId)
    .where('theirs.user_id', 'in', userIds)
    .execute();
  return new Set(rows.map((r) => r.user_id));
}
