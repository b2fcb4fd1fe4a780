import type { Generated, Selectable } from 'kysely';

export interface NotesTable {
  id: Generated<number>;
  title: string;
  body: string;
  created_at: Generated<Date>;
}

export interface Database {
  notes: NotesTable;
}

export type NoteRow = Selectable<NotesTable>;
