import { AppError } from '@soulchat/platform';

/** The error code a use case refused with ('OK' when it did not refuse). */
export async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'OK';
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
}
