import { DaprWorkflowClient, WorkflowRuntime } from '@dapr/dapr';
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
  return new WorkflowRuntime(sidecar)
    .registerWorkflowWithName(registrationWorkflowName, registrationWorkflow)
    .registerActivityWithName(activityNames.createPendingUser, createPendingUser(deps))
    .registerActivityWithName(activityNames.createProfile, createProfile(deps))
    .registerActivityWithName(activityNames.activateUser, activateUser(deps))
    .registerActivityWithName(activityNames.deletePendingUser, deletePendingUser(deps))
    .registerActivityWithName(activityNames.deleteProfile, deleteProfile(deps));
}

/** The client that starts registrations and reads their state. */
export const createWorkflowClient = (sidecar: SidecarGrpc) => new DaprWorkflowClient(sidecar);

export type WorkflowClient = DaprWorkflowClient;
