import type { WorkflowActivityContext } from '@dapr/dapr';
import { findByRegistration, findTaken, insertPendingUser } from '../../db/users.repository.ts';
import { normaliseEmail } from '../../domain/account.ts';
import type { CreatedUser, RegistrationInput } from '../registration.types.ts';
import type { ActivityDeps } from './deps.ts';

const isDuplicate = (err: unknown) => (err as { code?: string }).code === 'ER_DUP_ENTRY';

/** Inserts the pending user once per registration id; a taken name or email is an answer, not an error. */
export const createPendingUser =
  ({ db, outcome }: ActivityDeps) =>
  async (_: WorkflowActivityContext, input: RegistrationInput): Promise<CreatedUser> => {
    const mine = await findByRegistration(db, input.registrationId);
    if (mine) return { userId: mine.id };
    const emailNormalized = normaliseEmail(input.email);
    const taken = await findTaken(db, input.username, emailNormalized);
    if (taken.length > 0) {
      outcome?.('rejected');
      return { taken };
    }
    try {
      await insertPendingUser(db, { ...input, id: input.userId, emailNormalized });
      return { userId: input.userId };
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      // Lost a race: to ourselves (a retried activity) or to another registration.
      const again = await findByRegistration(db, input.registrationId);
      if (again) return { userId: again.id };
      const nowTaken = await findTaken(db, input.username, emailNormalized);
      outcome?.('rejected');
      return { taken: nowTaken.length > 0 ? nowTaken : ['username'] };
    }
  };
