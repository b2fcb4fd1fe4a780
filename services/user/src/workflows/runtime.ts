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

/** The worker that runs the registration saga's code, and the client that starts and reads it. */
export function createWorkflows(deps: ActivityDeps, sidecar: SidecarGrpc) {
  const runtime = new WorkflowRuntime(sidecar)
    .registerWorkflowWithName(registrationWorkflowName, registrationWorkflow)
    .registerActivityWithName(activityNames.createPendingUser, createPendingUser(deps))
    .registerActivityWithName(activityNames.createProfile, createProfile(deps))
    .registerActivityWithName(activityNames.activateUser, activateUser(deps))
    .registerActivityWithName(activityNames.deletePendingUser, deletePendingUser(deps))
    .registerActivityWithName(activityNames.deleteProfile, deleteProfile(deps));
  const client = new DaprWorkflowClient(sidecar);
  return { runtime, client };
}

export type WorkflowClient = DaprWorkflowClient;
