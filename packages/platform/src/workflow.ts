import type { Task, TWorkflow, WorkflowContext } from '@dapr/dapr';

/** A workflow body: an async generator yielding durable tasks, returning the workflow output. */
export type WorkflowBody<In, Out> = (ctx: WorkflowContext, input: In) => AsyncGenerator<Task<unknown>, Out, unknown>;

/**
 * The SDK types workflows as sync generators, yet its executor only runs activities for
 * async generators (a sync one completes at once). This is the one place that bridges the two.
 */
export function defineWorkflow<In, Out>(body: WorkflowBody<In, Out>): TWorkflow {
  return body as unknown as TWorkflow;
}
