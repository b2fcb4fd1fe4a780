import { DaprWorkflowClient, type WorkflowActivityContext, WorkflowRuntime } from '@dapr/dapr';
import { inUseCase, withTraceParent } from '@soulchat/platform';
import { activateUser, deletePendingUser } from './activities/activate-user.ts';
import { createPendingUser } from './activities/create-pending-user.ts';
import { createProfile, deleteProfile } from './activities/create-profile.ts';
import type { ActivityDeps } from './activities/deps.ts';
import { activityNames, registrationWorkflowName } from './registration.types.ts';
import { registrationWorkflow } from './registration.workflow.ts';

export interface SidecarGrpc {
  daprHost: string;
  daprPort: string;
  daprApiToken?: string;
}

/** A worker that runs the registration saga's code (a new one each call). */
export function createWorkflowRuntime(deps: ActivityDeps, sidecar: SidecarGrpc): WorkflowRuntime {
  const traced = tracedActivity(deps);
  return new WorkflowRuntime(sidecar)
    .registerWorkflowWithName(registrationWorkflowName, registrationWorkflow)
    .registerActivityWithName(activityNames.createPendingUser, traced('createPendingUser', createPendingUser(deps)))
    .registerActivityWithName(activityNames.createProfile, traced('createProfile', createProfile(deps)))
    .registerActivityWithName(activityNames.activateUser, traced('activateUser', activateUser(deps)))
    .registerActivityWithName(activityNames.deletePendingUser, traced('deletePendingUser', deletePendingUser(deps)))
    .registerActivityWithName(activityNames.deleteProfile, traced('deleteProfile', deleteProfile(deps)));
}

/**
 * Runs an activity as a span of the registration's trace (its input carries the traceparent of
 * the request that started the saga), tagged with the account it works on.
 */
function tracedActivity({ service, log }: ActivityDeps) {
  return <I extends { traceparent?: string; userId: string }, O>(
    name: string,
    run: (ctx: WorkflowActivityContext, input: I) => Promise<O>,
  ) =>
    (ctx: WorkflowActivityContext, input: I): Promise<O> =>
      withTraceParent(input.traceparent, () =>
        inUseCase(service, `registration.${name}`, { 'user.id': input.userId }, async () => {
          const result = await run(ctx, input);
          log.info({ step: name, userId: input.userId }, 'registration step done');
          return result;
        }),
      );
}

/** The client that starts registrations and reads their state. */
export const createWorkflowClient = (sidecar: SidecarGrpc) => new DaprWorkflowClient(sidecar);

export type WorkflowClient = DaprWorkflowClient;
