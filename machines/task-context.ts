import { z } from 'zod';
import { ActionType } from '../src/model/action-type.ts';
import { Approval } from '../src/model/approval.ts';
import { JsonObject, JsonValue } from '../src/model/json.ts';
import { Alternative, Verdict } from '../src/model/verdict.ts';

/** What the task was asked to do (the validated proposal, less what only the engine needs). */
export const TaskProposal = z.strictObject({
  actionType: ActionType,
  title: z.string(),
  description: z.string().optional(),
  args: JsonObject,
  agentId: z.string(),
  department: z.string().optional(),
  ttlSeconds: z.number().int().positive().optional(),
  metadata: JsonObject.optional(),
  /** Set when this task is the alternative of another (a reroute). */
  parentTaskId: z.string().optional(),
  /**
   * Set on the alternative a human wrote when rerouting: who wrote it. It is their request — the
   * approval's `requestedBy` and the audit's proposer — so they may not approve it themselves.
   */
  proposedBy: z.string().optional(),
});
export type TaskProposal = z.infer<typeof TaskProposal>;

/** Why a task failed or was denied by the runtime (not by a verdict). */
export const TaskError = z.strictObject({ code: z.string(), message: z.string() });
export type TaskError = z.infer<typeof TaskError>;

/**
 * The task machine's context: everything the machine needs to decide, nothing it could read
 * from elsewhere. It is what a persisted snapshot carries, so it is validated on every load.
 */
export const TaskContext = z.strictObject({
  taskId: z.string().min(1),
  proposal: TaskProposal,
  verdict: Verdict.nullable(),
  approval: Approval.nullable(),
  /** The safer action when the task was rerouted. */
  alternative: Alternative.nullable(),
  result: JsonValue.nullable(),
  error: TaskError.nullable(),
  /**
   * The policy version in force when the task was released (approved or approved on timeout).
   * When it differs from the approval's, the task is judged again before it executes.
   */
  policyAtResume: z.string().optional(),
});
export type TaskContext = z.infer<typeof TaskContext>;

/** The task machine's input. */
export interface TaskInput {
  taskId: string;
  proposal: TaskProposal;
}
