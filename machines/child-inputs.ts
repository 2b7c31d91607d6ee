import type { JsonObject } from '../src/model/json.ts';
import type { TaskContext } from './task-context.ts';

// What the task machine hands its child actors: their inputs, built from the task's context.

/** Input of the `secOps` child actor. */
export interface SecOpsInput {
  taskId: string;
  actionType: string;
  args: JsonObject;
  agentId: string;
  department?: string;
}
/** Input of the `approvalStore` child actor. */
export interface ApprovalStoreInput {
  taskId: string;
  proposal: TaskContext['proposal'];
  verdict: NonNullable<TaskContext['verdict']>;
}
/** Input of the `executor` child actor. The idempotency key is the task id: stable across restores. */
export interface ExecutorInput {
  taskId: string;
  idempotencyKey: string;
  actionType: string;
  title: string;
  args: JsonObject;
  agentId: string;
}

/** The `secOps` child's input. */
export function secOpsInput(context: TaskContext): SecOpsInput {
  const { actionType, args, agentId, department } = context.proposal;
  return department === undefined
    ? { taskId: context.taskId, actionType, args, agentId }
    : { taskId: context.taskId, actionType, args, agentId, department };
}

/** The `executor` child's input: the idempotency key is the task id. */
export function executorInput(context: TaskContext): ExecutorInput {
  const { actionType, args, agentId, title } = context.proposal;
  return { taskId: context.taskId, idempotencyKey: context.taskId, actionType, title, args, agentId };
}
