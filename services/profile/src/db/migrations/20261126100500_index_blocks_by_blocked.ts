import type { Kysely } from 'kysely';

// "Who blocked this user": the block check in the other direction and account deletion.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('blocks_blocked').on('blocks').column('blocked_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('blocks_blocked').on('blocks').execute();
}
