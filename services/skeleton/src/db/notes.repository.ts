import type { Kysely, Transaction } from 'kysely';
import type { NewNote, Note } from '../domain/note.ts';
import type { Database, NoteRow } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

function toNote(row: NoteRow): Note {
  return { id: Number(row.id), title: row.title, body: row.body, createdAt: new Date(row.created_at) };
}

export async function insertNote(db: Db, note: NewNote): Promise<Note> {
  // MariaDB has no RETURNING on insert in Kysely's MySQL dialect: read back by insertId.
  const result = await db.insertInto('notes').values(note).executeTakeFirstOrThrow();
  const created = await findNote(db, Number(result.insertId));
  if (!created) throw new Error('inserted note vanished');
  return created;
}

export async function findNote(db: Db, id: number): Promise<Note | undefined> {
  const row = await db.selectFrom('notes').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toNote(row) : undefined;
}

export async function listNotes(db: Db, afterId: number, limit: number): Promise<Note[]> {
  const rows = await db.selectFrom('notes').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map(toNote);
}
