import { z } from 'zod';
import { ActionType } from './action-type.ts';
import { AutonomyLevel } from './autonomy.ts';
import { JsonObject, JsonValue } from './json.ts';
import { RiskLevel } from './risk.ts';
import { TaskState } from './task-state.ts';
import { Alternative, VerdictDecision } from './verdict.ts';

/** One step of a task's life. */
export const HistoryEntry = z.strictObject({
  at: z.string(),
  from: TaskState.nullable(),
  to: TaskState,
  event: z.string(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/**
 * A rerouted task's alternative as the API shows it: API.md's `{ actionType, args, title, reason }`,
 * each present — `args` and `title` those its alternative task was submitted with (`{}` and
 * "<title> (alternative)" when the reroute named none), `reason` null when there was none.
 */
export const TaskAlternative = z.strictObject({
  actionType: ActionType,
  args: JsonObject,
  title: z.string(),
  reason: z.string().nullable(),
});
export type TaskAlternative = z.infer<typeof TaskAlternative>;

/** A task as the API shows it. */
export const Task = z.strictObject({
  id: z.string(),
  state: TaskState,
  actionType: ActionType,
  title: z.string(),
  description: z.string().nullable(),
  args: JsonObject,
  agentId: z.string(),
  department: z.string().nullable(),
  riskLevel: RiskLevel.nullable(),
  autonomy: AutonomyLevel.nullable(),
  verdict: z
    .strictObject({
      decision: VerdictDecision,
      reason: z.string(),
      matchedRules: z.array(z.string()),
      policyVersion: z.string(),
      argsHash: z.string(),
      /** On an escalation: the safer action SecOps suggests the approver reroute to (a force push's --force-with-lease). */
      suggestedAlternative: Alternative.optional(),
    })
    .nullable(),
  approvalId: z.string().nullable(),
  alternative: TaskAlternative.nullable(),
  /** The task submitted for the alternative, when rerouted. */
  alternativeTaskId: z.string().nullable(),
  /** The task this one is the alternative of. */
  parentTaskId: z.string().nullable(),
  result: JsonValue.nullable(),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  metadata: JsonObject.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  history: z.array(HistoryEntry).optional(),
});
export type Task = z.infer<typeof Task>;
