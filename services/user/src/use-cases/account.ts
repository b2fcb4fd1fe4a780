import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { encode, newEnvelope, topics, UserDeletedSchema, UserEmailChangedSchema } from '@soulchat/contracts';
import { conflict, enqueueEvent, notFound, unauthorized } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { deleteForUser, revokeOtherFamilies } from '../db/refresh-tokens.repository.ts';
import type { Database } from '../db/schema.ts';
import { deleteUser, emailTaken, findById, passwordHashOf, updateUser } from '../db/users.repository.ts';
import { type Account, normaliseEmail } from '../domain/account.ts';
import { hashPassword, verifyPassword } from '../security/passwords.ts';

export async function getAccount(db: Kysely<Database>, userId: string): Promise<Account> {
  const account = await findById(db, userId);
  if (account?.status !== 'active') throw notFound('account');
  return account;
}

async function requirePassword(db: Kysely<Database>, userId: string, password: string): Promise<void> {
  if (!(await verifyPassword(await passwordHashOf(db, userId), password))) throw unauthorized('wrong password');
}

/** Changes the email and records `user.email_changed`, so notifications go to the new address. */
export async function changeEmail(
  db: Kysely<Database>,
  userId: string,
  email: string,
  service: string,
): Promise<Account> {
  const account = await getAccount(db, userId);
  const normalized = normaliseEmail(email);
  if (await emailTaken(db, normalized, userId)) throw conflict('email already registered');
  try {
    await db.transaction().execute(async (trx) => {
      await updateUser(trx, userId, { email: email.trim(), email_normalized: normalized });
      const eventId = `user.email_changed:${randomUUID()}`;
      const event = create(UserEmailChangedSchema, {
        envelope: newEnvelope(topics.userEmailChanged, service, eventId),
        userId,
        email: email.trim(),
      });
      await enqueueEvent(trx, {
        eventId,
        topic: topics.userEmailChanged,
        partitionKey: userId,
        payload: encode(UserEmailChangedSchema, event),
      });
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'ER_DUP_ENTRY') throw conflict('email already registered');
    throw err;
  }
  return { ...account, email: email.trim() };
}

/** A new password ends every other session; the one that changed it stays signed in. */
export async function changePassword(
  db: Kysely<Database>,
  userId: string,
  sessionId: string | undefined,
  current: string,
  next: string,
): Promise<void> {
  await requirePassword(db, userId, current);
  const passwordHash = await hashPassword(next);
  await db.transaction().execute(async (trx) => {
    await updateUser(trx, userId, { password_hash: passwordHash });
    await revokeOtherFamilies(trx, userId, sessionId);
  });
}

/** Deletes the account and records `user.deleted`, on which other services drop their data. */
export async function deleteAccount(
  db: Kysely<Database>,
  userId: string,
  password: string,
  service: string,
): Promise<void> {
  await requirePassword(db, userId, password);
  await db.transaction().execute(async (trx) => {
    await deleteForUser(trx, userId);
    if (!(await deleteUser(trx, userId))) return;
    const eventId = `user.deleted:${userId}`;
    const event = create(UserDeletedSchema, { envelope: newEnvelope(topics.userDeleted, service, eventId), userId });
    await enqueueEvent(trx, {
      eventId,
      topic: topics.userDeleted,
      partitionKey: userId,
      payload: encode(UserDeletedSchema, event),
    });
  });
}
