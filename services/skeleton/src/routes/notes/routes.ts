import Router from '@koa/router';
import { inUseCase, notFound, parseInput } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import { findNote, insertNote, listNotes } from '../../db/notes.repository.ts';
import type { Database } from '../../db/schema.ts';
import { normaliseTitle } from '../../domain/note.ts';
import { createNoteBody, listNotesQuery, noteIdParams } from './schema.ts';

export function notesRouter(service: string, db: Kysely<Database>): Router {
  const router = new Router({ prefix: '/notes' });

  router.post('/', async (ctx) => {
    const input = parseInput(createNoteBody, ctx.request.body);
    ctx.status = 201;
    ctx.body = await inUseCase(service, 'create note', { 'note.title_length': input.title.length }, () =>
      insertNote(db, { title: normaliseTitle(input.title), body: input.body }),
    );
  });

  router.get('/', async (ctx) => {
    const { after, limit } = parseInput(listNotesQuery, ctx.query);
    const notes = await listNotes(db, after, limit);
    const last = notes.at(-1);
    ctx.body = { items: notes, next: notes.length === limit && last ? String(last.id) : null };
  });

  router.get('/:id', async (ctx) => {
    const { id } = parseInput(noteIdParams, ctx.params);
    const note = await findNote(db, id);
    if (!note) throw notFound('note');
    ctx.body = note;
  });

  return router;
}
