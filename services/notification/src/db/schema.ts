import type { InboxDb, OutboxDb } from '@soulchat/platform';
import type { Generated, Selectable } from 'kysely';
import type { Channel, Kind } from '../domain/preferences.ts';

export interface NotificationsTable {
  /** Row order: the list cursor. */
  seq: Generated<number>;
  id: string;
  user_id: string;
  kind: Kind;
  title: string;
  body: string;
  /** JSON object: the ids a client needs to open what the notification is about. */
  data: string;
  /** The event or alert this came from: one notification per (user, source). */
  source_id: string;
  created_at: Date;
  read_at: Date | null;
}

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

export interface DeliveriesTable {
  id: Generated<number>;
  user_id: string;
  notification_id: string;
  channel: Exclude<Channel, 'in_app'>;
  recipient: string;
  subject: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  /** A worker's claim on the row while it sends; expires if that worker dies. */
  lease_owner: string | null;
  lease_until: Date | null;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

export interface PreferencesTable {
  user_id: string;
  kind: Kind;
  channel: Channel;
  enabled: number;
}

/** What the service knows about each user, from user.registered and the user's own settings. */
export interface ContactsTable {
  user_id: string;
  username: string;
  email: string;
  phone: string | null;
  updated_at: Date;
}

/** A tombstone: the account is gone, late events about it are ignored. */
export interface DeletedUsersTable {
  user_id: string;
  deleted_at: Date;
}

export interface Database extends OutboxDb, InboxDb {
  deleted_users: DeletedUsersTable;
  notifications: NotificationsTable;
  deliveries: DeliveriesTable;
  preferences: PreferencesTable;
  contacts: ContactsTable;
}

export type NotificationRow = Selectable<NotificationsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
