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

/**
 * Runs a contract decode (from @soulchat/contracts) on a request body: a body that does not
 * match the contract is the caller's mistake, a 400, not a 500.
 */
export function readContract<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if ((err as Error).name === 'ContractError') throw new AppError('BAD_REQUEST', (err as Error).message);
    throw err;
  }
}
