import type { Selectable } from 'kysely';
import type { MediaKind } from '../domain/media-type.ts';

/** One upload. Its bytes live in object storage under objectKey(id, variant), never here. */
export interface MediaTable {
  id: string;
  owner_id: string;
  kind: MediaKind;
  mime_type: string;
  name: string;
  size_bytes: number;
  width: number;
  height: number;
  /** The conversation a message put it in; null while unsent (it expires then). */
  conversation_id: string | null;
  created_at: Date;
  attached_at: Date | null;
  /** 1 for a profile picture (every signed-in user may see it; conversation_id stays null). */
  avatar: number;
}

/** The key download links are signed with (one row, id 1). */
export interface LinkKeysTable {
  id: number;
  secret: string;
  created_at: Date;
}

export interface Database {
  media: MediaTable;
  link_keys: LinkKeysTable;
}

export type MediaRow = Selectable<MediaTable>;
