import { notFound } from '@soulchat/platform';
import { listForUser, markAllRead, markRead, unreadCount } from '../db/notifications.repository.ts';
import type { NotificationRow } from '../db/schema.ts';
import { encodeCursor } from '../domain/cursor.ts';
import type { NotificationDeps } from './deps.ts';

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

const view = (row: NotificationRow): NotificationView => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  body: row.body,
  data: JSON.parse(row.data) as Record<string, unknown>,
  createdAt: new Date(row.created_at).toISOString(),
  readAt: row.read_at ? new Date(row.read_at).toISOString() : null,
});

/** A page of the user's notifications, newest first, and the cursor for the next page. */
export async function notificationsPage(
  deps: NotificationDeps,
  userId: string,
  page: { limit: number; beforeSeq?: number; unreadOnly: boolean },
) {
  // One row beyond the page says whether there is a next one.
  const rows = await listForUser(deps.db, userId, { ...page, limit: page.limit + 1 });
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map(view),
    nextCursor: rows.length > page.limit && last ? encodeCursor(Number(last.seq)) : null,
  };
}

export async function unread(deps: NotificationDeps, userId: string) {
  return { count: await unreadCount(deps.db, userId) };
}

/** Another user's notification is answered exactly like a missing one: nothing leaks. */
export async function readOne(deps: NotificationDeps, userId: string, id: string): Promise<void> {
  if (!(await markRead(deps.db, userId, id))) throw notFound('notification');
}

export async function readAll(deps: NotificationDeps, userId: string) {
  return { updated: await markAllRead(deps.db, userId) };
}
