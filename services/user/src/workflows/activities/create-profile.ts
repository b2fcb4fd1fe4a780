import { create } from '@bufbuild/protobuf';
import type { WorkflowActivityContext } from '@dapr/dapr';
import { CreateProfileRequestSchema, encode } from '@soulchat/contracts';
import { appIds } from '@soulchat/platform';
import type { RegistrationInput } from '../registration.types.ts';
import type { ActivityDeps } from './deps.ts';
import { PermanentError, withRetries } from './retry.ts';

/** Creates the profile through the profile service (idempotent there by user id). */
export const createProfile =
  ({ dapr, log }: ActivityDeps) =>
  async (_: WorkflowActivityContext, input: RegistrationInput): Promise<void> => {
    const body = encode(
      CreateProfileRequestSchema,
      create(CreateProfileRequestSchema, {
        userId: input.userId,
        username: input.username,
        displayName: input.displayName,
      }),
    );
    await withRetries(async () => {
      const res = await dapr.invokeRaw(appIds.profile, 'internal/profiles', { method: 'POST', body });
      if (res.status < 300) return;
      const detail = JSON.stringify(res.body);
      log.warn({ userId: input.userId, status: res.status, detail }, 'profile creation refused');
      if (res.status < 500) throw new PermanentError(`profile service answered ${res.status}: ${detail}`);
      throw new Error(`profile service answered ${res.status}`);
    });
  };

/** Compensation for a profile created by a registration that could not finish. */
export const deleteProfile =
  ({ dapr }: ActivityDeps) =>
  async (_: WorkflowActivityContext, input: { userId: string }): Promise<void> => {
    await withRetries(async () => {
      const res = await dapr.invokeRaw(appIds.profile, `internal/profiles/${encodeURIComponent(input.userId)}`, {
        method: 'DELETE',
      });
      if (res.status >= 300) throw new Error(`profile deletion answered ${res.status}`);
    });
  };
