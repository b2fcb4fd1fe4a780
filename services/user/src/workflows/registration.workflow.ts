import { defineWorkflow } from '@soulchat/platform';
import {
  activityNames as act,
  type CreatedUser,
  type RegistrationInput,
  type RegistrationOutcome,
} from './registration.types.ts';

/**
 * The registration saga: create the user (pending) -> create the profile -> activate the user,
 * which also records `user.registered` (the welcome notification's trigger) in the outbox.
 * Each side effect has its compensation; every activity is idempotent, so replays are harmless.
 */
export const registrationWorkflow = defineWorkflow<RegistrationInput, RegistrationOutcome>(
  async function* (ctx, input) {
    const created = (yield ctx.callActivity(act.createPendingUser, input)) as CreatedUser;
    if ('taken' in created) return { status: 'rejected', taken: created.taken };
    const ref = { userId: created.userId };
    try {
      yield ctx.callActivity(act.createProfile, input);
    } catch (err) {
      yield ctx.callActivity(act.deletePendingUser, ref);
      return { status: 'failed', reason: `profile could not be created: ${(err as Error).message}` };
    }
    try {
      yield ctx.callActivity(act.activateUser, ref);
    } catch (err) {
      yield ctx.callActivity(act.deleteProfile, ref);
      yield ctx.callActivity(act.deletePendingUser, ref);
      return { status: 'failed', reason: `account could not be activated: ${(err as Error).message}` };
    }
    return { status: 'registered', userId: created.userId };
  },
);
