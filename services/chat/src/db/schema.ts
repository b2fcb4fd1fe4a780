import type { InboxDb, OutboxTable, ProcessedEventsTable } from '@soulchat/platform';
import type { ColumnType, Generated, Selectable } from 'kysely';

export type ConversationKind = 'direct' | 'group';
export type MemberRole = 'owner' | 'admin' | 'member';
export type MessageKind = 'text' | 'image' | 'file';

export interface ConversationsTable {
  id: string;
  kind: ConversationKind;
  /** For direct conversations, "<smaller id>:<larger id>": one conversation per pair. */
  direct_key: string | null;
  name: string;
  description: string;
  created_by: string;
  /** The last sequence number handed out; incremented under the row lock per message. */
  last_seq: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface MembersTable {
  conversation_id: string;
  user_id: string;
  role: MemberRole;
  read_seq: number;
  joined_at: Generated<Date>;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  /** The client's own id for the send: a resend with the same id returns the stored message. */
  client_msg_id: string;
  kind: MessageKind;
  content: string;
  /** JSON: URL, size and name for images and files. */
  attachment: string | null;
  created_at: Generated<Date>;
  edited_at: Date | null;
  deleted_at: Date | null;
}

export interface ReactionsTable {
  message_id: string;
  user_id: string;
  emoji: string;
  created_at: Generated<Date>;
}

/** Who blocks whom, copied from the profile service's block.changed events (newest state per pair). */
export interface BlocksTable {
  blocker_id: string;
  blocked_id: string;
  /** 1 while the block stands, 0 once lifted (MariaDB has no boolean type). */
  blocked: ColumnType<number, boolean, boolean>;
  changed_at: Date;
}

export interface Database extends InboxDb {
  blocks: BlocksTable;
  conversations: ConversationsTable;
  members: MembersTable;
  messages: MessagesTable;
  reactions: ReactionsTable;
  outbox: OutboxTable;
  processed_events: ProcessedEventsTable;
}

export type ConversationRow = Selectable<ConversationsTable>;
export type MemberRow = Selectable<MembersTable>;
export type MessageRow = Selectable<MessagesTable>;
