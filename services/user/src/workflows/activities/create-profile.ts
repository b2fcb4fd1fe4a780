import { create } from '@bufbuild/protobuf';
import type { WorkflowActivityContext } from '@dapr/dapr';
import { CreateProfileRequestSchema, encode } from '@soulchat/contracts';
import { appIds } from '@soulchat/platform';
import { permanentMarker, type RegistrationInput } from '../registration.types.ts';
import type { ActivityDeps } from './deps.ts';
import { withRetries } from './retry.ts';

/**
 * Creates the profile through the profile service (idempotent there by user id). One attempt:
 * the workflow retries transient failures after durable timers.
 */
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
    const res = await dapr.invokeRaw(appIds.profile, 'internal/profiles', { method: 'POST', body });
    if (res.status < 300) return;
    const detail = JSON.stringify(res.body);
    log.warn({ userId: input.userId, status: res.status, detail }, 'profile creation failed');
    const kind = res.status < 500 ? permanentMarker : '[transient]';
    throw new Error(`${kind} profile service answered ${res.status}: ${detail}`);
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
