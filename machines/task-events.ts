import type { Alternative, Verdict } from '../src/model/verdict.ts';
import type { Approval } from '../src/model/approval.ts';
import type { JsonValue } from '../src/model/json.ts';
import type { LifecycleEventDraft } from '../src/model/lifecycle-event.ts';
import type { TaskState } from '../src/model/task-state.ts';

/** Start evaluating a proposed task. */
export interface EvaluateEvent {
  type: 'EVALUATE';
}
/** One approver's vote. `at` is stamped by the engine: the machine reads no clock. */
export interface ApproveEvent {
  type: 'APPROVE';
  by: string;
  at: string;
  comment?: string;
  /** The version of the policy in force now, stamped by the engine (it may differ from the approval's). */
  policyVersion?: string;
}
/** A human rejects the request. */
export interface RejectEvent {
  type: 'REJECT';
  by: string;
  at: string;
  reason: string;
}
/** A human rejects the request and names a safer action instead. */
export interface RerouteEvent {
  type: 'REROUTE';
  by: string;
  at: string;
  reason: string;
  alternative: Alternative;
}
/** The sweeper found the approval past its deadline. */
export interface TimeoutEvent {
  type: 'TIMEOUT';
  at: string;
  /** The version of the policy in force now, stamped by the engine. */
  policyVersion?: string;
}
/** The agent or an admin withdraws the request. */
export interface CancelEvent {
  type: 'CANCEL';
  by: string;
  at: string;
  reason?: string;
}

/** Every event the task machine accepts from outside. */
export type TaskEvent = EvaluateEvent | ApproveEvent | RejectEvent | RerouteEvent | TimeoutEvent | CancelEvent;

/** Output of the `secOps` child actor. */
export type SecOpsOutput = Verdict;
/** Output of the `approvalStore` child actor: the approval item it filed. */
export type ApprovalStoreOutput = Approval;
/** Output of the `executor` child actor. */
export type ExecutorOutput = JsonValue;

/** A step of the task's life, emitted on entry to each state (becomes a history entry). */
export interface StepEmitted {
  type: 'tollgate.step';
  to: TaskState;
  event: string;
  /** The lifecycle event of entering this state, if it has one. */
  lifecycle?: LifecycleEventDraft;
}
/** A lifecycle event, emitted by the machine (becomes an outbox event and an audit entry). */
export interface LifecycleEmitted {
  type: 'tollgate.lifecycle';
  event: LifecycleEventDraft;
}
/** What the task machine emits. */
export type TaskEmitted = StepEmitted | LifecycleEmitted;
