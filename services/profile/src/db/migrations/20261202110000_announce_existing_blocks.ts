import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

// The chat service keeps its own copy of blocks, fed by block.changed events. Blocks made before
// those events existed are announced once here, through the outbox like any other event. The
// payload is the proto3 JSON of soulchat.events.v1.BlockChanged as it was when written (frozen).
interface Tables {
  blocks: { blocker_id: string; blocked_id: string; created_at: Date };
  outbox: { event_id: string; topic: string; partition_key: string; payload: string };
}

const pageSize = 500;

export async function up(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<Tables>;
  for (let offset = 0; ; offset += pageSize) {
    const page = await db
      .selectFrom('blocks')
      .select(['blocker_id', 'blocked_id', 'created_at'])
      .orderBy('blocker_id')
      .orderBy('blocked_id')
      .limit(pageSize)
      .offset(offset)
      .execute();
    if (page.length === 0) return;
    await db
      .insertInto('outbox')
      .values(page.map((row) => announcement(row.blocker_id, row.blocked_id, row.created_at)))
      .execute();
  }
}

function announcement(blockerId: string, blockedId: string, createdAt: Date) {
  const id = randomUUID();
  const envelope = { id, type: 'block.changed', occurredAt: createdAt.toISOString(), source: 'profile' };
  return {
    event_id: id,
    topic: 'block.changed',
    partition_key: blockerId,
    payload: JSON.stringify({ envelope, blockerId, blockedId, blocked: true }),
  };
}
