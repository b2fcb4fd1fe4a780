import type { z } from 'zod';
import { AppError } from './errors.ts';

/** Parses untrusted input with a zod schema; failures become a 400 naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = details[0];
  const summary = first ? `${first.path || 'body'}: ${first.message}` : 'invalid input';
  throw new AppError('VALIDATION_FAILED', summary, details);
}
