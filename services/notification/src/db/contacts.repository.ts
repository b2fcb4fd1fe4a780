import type { Kysely, Transaction } from 'kysely';
import type { StoredSwitch } from '../domain/preferences.ts';
import type { ContactsTable, Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Username and email as registered. A contact already here keeps its email and phone: a
 * user.email_changed may have been applied before a redelivered user.registered.
 */
export async function upsertContact(db: Db, contact: Omit<ContactsTable, 'phone' | 'updated_at'>): Promise<void> {
  await db
    .insertInto('contacts')
    .values({ ...contact, phone: null, updated_at: new Date() })
    .onDuplicateKeyUpdate({ username: contact.username })
    .execute();
}

/** False when the user is not known here yet (their user.registered has not arrived). */
export async function setEmail(db: Db, userId: string, email: string): Promise<boolean> {
  const result = await db
    .updateTable('contacts')
    .set({ email, updated_at: new Date() })
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 || (await contactsOf(db, [userId])).has(userId);
}

export async function contactsOf(db: Db, userIds: string[]): Promise<Map<string, ContactsTable>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.selectFrom('contacts').selectAll().where('user_id', 'in', userIds).execute();
  return new Map(rows.map((r) => [r.user_id, r]));
}

/** Sets or clears the user's phone number; false when the user is not known here yet. */
export async function setPhone(db: Db, userId: string, phone: string | null): Promise<boolean> {
  const known = await db.selectFrom('contacts').select('user_id').where('user_id', '=', userId).executeTakeFirst();
  if (!known) return false;
  await db.updateTable('contacts').set({ phone, updated_at: new Date() }).where('user_id', '=', userId).execute();
  return true;
}

/** Every known user id after `afterId`, in id order: the audience of an alert to everyone. */
export async function userIdsPage(db: Db, afterId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('contacts')
    .select('user_id')
    .where('user_id', '>', afterId)
    .orderBy('user_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.user_id);
}

export async function storedSwitches(db: Db, userIds: string[]): Promise<Map<string, StoredSwitch[]>> {
  const out = new Map<string, StoredSwitch[]>();
  if (userIds.length === 0) return out;
  const rows = await db.selectFrom('preferences').selectAll().where('user_id', 'in', userIds).execute();
  for (const r of rows) {
    const list = out.get(r.user_id) ?? [];
    list.push({ kind: r.kind, channel: r.channel, enabled: Boolean(r.enabled) });
    out.set(r.user_id, list);
  }
  return out;
}

export async function saveSwitches(db: Db, userId: string, switches: StoredSwitch[]): Promise<void> {
  for (const s of switches) {
    const enabled = s.enabled ? 1 : 0;
    await db
      .insertInto('preferences')
      .values({ user_id: userId, kind: s.kind, channel: s.channel, enabled })
      .onDuplicateKeyUpdate({ enabled })
      .execute();
  }
}
