import { z } from 'zod';

export const createNoteBody = z.strictObject({
  title: z.string().trim().min(1).max(200),
  body: z.string().max(10_000),
});

export const noteIdParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const listNotesQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
