import { randomUUID } from 'node:crypto';
import type { DaprWorkflowClient } from '@dapr/dapr';
import { AppError, conflict, traceHeaders } from '@soulchat/platform';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { findById, findByRegistration, findTaken } from '../db/users.repository.ts';
import { type Account, normaliseEmail } from '../domain/account.ts';
import { hashPassword } from '../security/passwords.ts';
import {
  type RegistrationInput,
  type RegistrationOutcome,
  registrationWorkflowName,
} from '../workflows/registration.types.ts';

export interface RegisterDeps {
  db: Kysely<Database>;
  workflows: DaprWorkflowClient;
  waitMs: number;
  retryDelaysMs: number[];
}

export interface RegisterRequest {
  registrationId: string;
  username: string;
  email: string;
  password: string;
  displayName: string;
}

export type RegisterResult = { state: 'registered'; account: Account } | { state: 'pending' };

const takenError = (taken: string[]) => conflict(`${taken.join(' and ')} already registered`);

/**
 * Starts (or rejoins) the registration saga for one registration id and waits for it up to
 * `waitMs`. A retried request with the same id never registers twice.
 */
export async function register(deps: RegisterDeps, req: RegisterRequest): Promise<RegisterResult> {
  const existing = await findByRegistration(deps.db, req.registrationId);
  if (existing?.status === 'active') return { state: 'registered', account: existing };
  if (!existing) {
    const taken = await findTaken(deps.db, req.username, normaliseEmail(req.email));
    if (taken.length > 0) throw takenError(taken);
  }
  const input: RegistrationInput = {
    registrationId: req.registrationId,
    userId: randomUUID(),
    username: req.username,
    email: req.email.trim(),
    passwordHash: await hashPassword(req.password),
    displayName: req.displayName,
    retryDelaysMs: deps.retryDelaysMs,
    ...traceOf(),
  };
  await schedule(deps.workflows, input);
  return awaitOutcome(deps, req.registrationId, deps.waitMs);
}

/** The request's trace, carried in the workflow input so the activities join it. */
function traceOf(): { traceparent?: string } {
  const { traceparent } = traceHeaders();
  return traceparent ? { traceparent } : {};
}

async function schedule(workflows: DaprWorkflowClient, input: RegistrationInput): Promise<void> {
  try {
    await workflows.scheduleNewWorkflow(registrationWorkflowName, input, input.registrationId);
  } catch (err) {
    // Already running under this id: the client retried; we join the running saga.
    if (!/already exists|AlreadyExists|ALREADY_EXISTS/i.test(String((err as Error).message))) throw err;
  }
}

/** The pause before each retry of a workflow state read that failed; then it is a 503. */
const stateReadRetriesMs = [50, 250];

/**
 * The workflow's state now. Dapr's workflow store can fail a read that races a save ("inbox key
 * declared in metadata but missing from state store", seen in CI); that is retried, and a read
 * that keeps failing is a 503 the client may retry, never a 500.
 */
export async function readRegistrationState(workflows: Pick<DaprWorkflowClient, 'getWorkflowState'>, id: string) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await workflows.getWorkflowState(id, true);
    } catch {
      const pause = stateReadRetriesMs[attempt];
      if (pause === undefined)
        throw new AppError('UNAVAILABLE', 'the registration could not be read now; try again', undefined, {
          'retry-after': '1',
        });
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** Reads a registration's state now, or after waiting up to `waitMs` for it to finish. */
export async function awaitOutcome(
  deps: RegisterDeps,
  registrationId: string,
  waitMs: number,
): Promise<RegisterResult> {
  const state =
    waitMs > 0
      ? await deps.workflows
          .waitForWorkflowCompletion(registrationId, true, Math.max(1, Math.round(waitMs / 1000)))
          .catch(() => undefined)
      : await readRegistrationState(deps.workflows, registrationId);
  if (!state) {
    if (waitMs > 0) return { state: 'pending' };
    throw new AppError('NOT_FOUND', 'registration not found');
  }
  if (!state.serializedOutput) {
    if (state.workflowFailureDetails) throw new AppError('UNAVAILABLE', 'registration failed; please try again');
    return { state: 'pending' };
  }
  const outcome = JSON.parse(state.serializedOutput) as RegistrationOutcome;
  if (outcome.status === 'rejected') throw takenError(outcome.taken);
  if (outcome.status === 'failed')
    throw new AppError('UNAVAILABLE', 'registration could not complete; please try again');
  const account = await findById(deps.db, outcome.userId);
  if (!account) throw new AppError('NOT_FOUND', 'the registered account was deleted since');
  return { state: 'registered', account };
}
