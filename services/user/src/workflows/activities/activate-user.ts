import { create } from '@bufbuild/protobuf';
import type { WorkflowActivityContext } from '@dapr/dapr';
import { encode, newEnvelope, topics, UserRegisteredSchema } from '@soulchat/contracts';
import { enqueueEvent } from '@soulchat/platform';
import { activate, deletePending, findById } from '../../db/users.repository.ts';
import type { UserRef } from '../registration.types.ts';
import type { ActivityDeps } from './deps.ts';
import { withRetries } from './retry.ts';

/**
 * Activates the account and records `user.registered` in the same transaction. A replay finds
 * the account already active and records nothing, so the event exists once per account.
 */
export const activateUser =
  ({ db, service, outcome }: ActivityDeps) =>
  async (_: WorkflowActivityContext, input: UserRef): Promise<void> => {
    const activated = await withRetries(() =>
      db.transaction().execute(async (trx) => {
        if (!(await activate(trx, input.userId))) {
          const account = await findById(trx, input.userId);
          if (account?.status === 'active') return false;
          throw new Error('account to activate is missing');
        }
        const account = await findById(trx, input.userId);
        if (!account) throw new Error('account vanished during activation');
        const event = create(UserRegisteredSchema, {
          envelope: newEnvelope(topics.userRegistered, service, `user.registered:${account.id}`),
          userId: account.id,
          username: account.username,
          email: account.email,
          displayName: account.displayName,
        });
        await enqueueEvent(trx, {
          eventId: `user.registered:${account.id}`,
          topic: topics.userRegistered,
          partitionKey: account.id,
          payload: encode(UserRegisteredSchema, event),
        });
        return true;
      }),
    );
    if (activated) outcome?.('registered');
  };

/** Compensation: removes the account while it is still pending. */
export const deletePendingUser =
  ({ db, outcome }: ActivityDeps) =>
  async (_: WorkflowActivityContext, input: UserRef): Promise<void> => {
    await withRetries(() => deletePending(db, input.userId));
    outcome?.('compensated');
  };
