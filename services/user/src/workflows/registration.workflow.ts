import type { WorkflowContext } from '@dapr/dapr';
import { defineWorkflow } from '@soulchat/platform';
import {
  activityNames as act,
  type CreatedUser,
  permanentMarker,
  type RegistrationInput,
  type RegistrationOutcome,
} from './registration.types.ts';

/**
 * Calls the profile step, retrying transient failures after durable timers (an open circuit
 * breaker, a restarting profile service). Returns the last error when it gives up.
 */
async function* createProfileWithRetries(ctx: WorkflowContext, input: RegistrationInput) {
  for (let attempt = 0; ; attempt++) {
    try {
      yield ctx.callActivity(act.createProfile, input);
      return undefined;
    } catch (err) {
      const message = (err as Error).message;
      const delay = input.retryDelaysMs[attempt];
      if (message.includes(permanentMarker) || delay === undefined) return message;
      yield ctx.createTimer(new Date(ctx.getCurrentUtcDateTime().getTime() + delay));
    }
  }
}

/**
 * The registration saga: create the user (pending) -> create the profile -> activate the user,
 * which also records `user.registered` (the welcome notification's trigger) in the outbox.
 * Each side effect has its compensation; every activity is idempotent, so replays are harmless.
 */
export const registrationWorkflow = defineWorkflow<RegistrationInput, RegistrationOutcome>(
  async function* (ctx, input) {
    const created = (yield ctx.callActivity(act.createPendingUser, input)) as CreatedUser;
    if ('taken' in created) return { status: 'rejected', taken: created.taken };
    const ref = { userId: created.userId, ...(input.traceparent ? { traceparent: input.traceparent } : {}) };
    const profileError = yield* createProfileWithRetries(ctx, input);
    if (profileError !== undefined) {
      yield ctx.callActivity(act.deletePendingUser, ref);
      return { status: 'failed', reason: `profile could not be created: ${profileError}` };
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
