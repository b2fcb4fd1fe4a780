import { inUseCase, notFound, type Route, route } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { findNote, insertNote, listNotes } from '../../db/notes.repository.ts';
import type { Database } from '../../db/schema.ts';
import { normaliseTitle } from '../../domain/note.ts';
import { createNoteBody, listNotesQuery, noteIdParams } from './schema.ts';

/** The notes API: each route once, with its schemas, access and answers (the OpenAPI document too). */
export function noteRoutes(service: string, db: Kysely<Database>): Route[] {
  return [
    route({
      method: 'post',
      path: '/notes',
      summary: 'create a note',
      access: 'open',
      body: createNoteBody,
      responses: { 201: 'the note' },
      handle: async (ctx, { body }) => {
        ctx.status = 201;
        ctx.body = await inUseCase(service, 'create note', { 'note.title_length': body.title.length }, () =>
          insertNote(db, { title: normaliseTitle(body.title), body: body.body }),
        );
      },
    }),
    route({
      method: 'get',
      path: '/notes',
      summary: 'notes in id order, a page at a time',
      access: 'open',
      query: listNotesQuery,
      responses: { 200: '{items, next}' },
      handle: async (ctx, { query: { after, limit } }) => {
        const notes = await listNotes(db, after, limit);
        const last = notes.at(-1);
        ctx.body = { items: notes, next: notes.length === limit && last ? String(last.id) : null };
      },
    }),
    route({
      method: 'get',
      path: '/notes/:id',
      summary: 'one note',
      access: 'open',
      params: noteIdParams,
      responses: { 200: 'the note', 404: 'no such note' },
      handle: async (ctx, { params: { id } }) => {
        const note = await findNote(db, id);
        if (!note) throw notFound('note');
        ctx.body = note;
      },
    }),
  ];
}
