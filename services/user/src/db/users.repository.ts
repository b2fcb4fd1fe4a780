import type { Kysely, Transaction, Updateable } from 'kysely';
import { type Account, parseRoles } from '../domain/account.ts';
import type { Database, UserRow, UsersTable } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewUser {
  id: string;
  registrationId: string;
  username: string;
  email: string;
  emailNormalized: string;
  passwordHash: string;
  displayName: string;
}

function toAccount(row: UserRow): Account {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    status: row.status,
    roles: parseRoles(row.roles),
    createdAt: new Date(row.created_at),
  };
}

export async function insertPendingUser(db: Db, user: NewUser): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      registration_id: user.registrationId,
      username: user.username,
      email: user.email,
      email_normalized: user.emailNormalized,
      password_hash: user.passwordHash,
      display_name: user.displayName,
      status: 'pending',
      roles: 'user',
    })
    .execute();
}

export async function findByRegistration(db: Db, registrationId: string): Promise<Account | undefined> {
  const row = await db.selectFrom('users').selectAll().where('registration_id', '=', registrationId).executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

export async function findById(db: Db, id: string): Promise<Account | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

/** Which of username and email already belong to another account. */
export async function findTaken(db: Db, username: string, emailNormalized: string, exceptId = ''): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select(['username', 'email_normalized'])
    .where((eb) => eb.or([eb('username', '=', username), eb('email_normalized', '=', emailNormalized)]))
    .where('id', '!=', exceptId)
    .execute();
  const taken: string[] = [];
  if (rows.some((r) => r.username.toLowerCase() === username.toLowerCase())) taken.push('username');
  if (rows.some((r) => r.email_normalized === emailNormalized)) taken.push('email');
  return taken;
}

export async function emailTaken(db: Db, emailNormalized: string, exceptId: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('email_normalized', '=', emailNormalized)
    .where('id', '!=', exceptId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The active account and its password hash, by username or email, for login. */
export async function findForLogin(db: Db, identifier: string, emailNormalized: string) {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('username', '=', identifier), eb('email_normalized', '=', emailNormalized)]))
    .executeTakeFirst();
  return row ? { account: toAccount(row), passwordHash: row.password_hash } : undefined;
}

export async function passwordHashOf(db: Db, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirst();
  return row?.password_hash;
}

/** Moves a pending account to active; false when it was not pending (already active, or gone). */
export async function activate(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ status: 'active', updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes an account only while it is pending: compensation never removes a live account. */
export async function deletePending(db: Db, id: string): Promise<void> {
  await db.deleteFrom('users').where('id', '=', id).where('status', '=', 'pending').execute();
}

export async function deleteUser(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function updateUser(db: Db, id: string, changes: Updateable<UsersTable>): Promise<void> {
  await db
    .updateTable('users')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}
