import type { Approval } from '../model/approval.ts';
import type { LifecycleEventDraft } from '../model/lifecycle-event.ts';
import type { RiskLevel } from '../model/risk.ts';
import type { HistoryEntry } from '../model/task.ts';
import type { TaskState } from '../model/task-state.ts';

/**
 * A task as the store keeps it: query columns, the persisted snapshot envelope (JSON text,
 * validated by the engine on load, never by the store) and the history.
 */
export interface TaskRecord {
  id: string;
  state: TaskState;
  actionType: string;
  title: string;
  agentId: string;
  department: string | null;
  riskLevel: RiskLevel | null;
  approvalId: string | null;
  parentTaskId: string | null;
  idempotencyKey: string | null;
  /** Bumped by every commit; decisions compare-and-set on it. */
  revision: number;
  /** `JSON.stringify({ machineVersion, snapshot })`. */
  envelope: string;
  history: HistoryEntry[];
  /** Why the task was quarantined (its snapshot could not be restored). */
  quarantineReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A lifecycle event stamped with its time, ready to be written. */
export interface StampedEventDraft extends LifecycleEventDraft {
  at: string;
}

/**
 * `draft` stamped with `at`: the same fields in the same order, then `at`. Built field by field:
 * `{ ...draft, at }` adds a key after a spread, which takes a slow path in Node 20's V8
 * (~0.7 µs, measured), and every lifecycle event passes here.
 */
export function stampEvent(draft: LifecycleEventDraft, at: string): StampedEventDraft {
  const stamped: StampedEventDraft = { type: draft.type, taskId: draft.taskId, actor: draft.actor, at };
  if (draft.approvalId !== undefined) stamped.approvalId = draft.approvalId;
  if (draft.data !== undefined) stamped.data = draft.data;
  return stamped;
}

/**
 * One state change of one task, written atomically: the task row (snapshot + history), its
 * approval, and its lifecycle events (each becomes an outbox event and a hash-chained audit
 * entry — one journal).
 */
export interface TaskCommit {
  /**
   * The new row. `task.revision` must be `expectedRevision + 1` (or 1 for a new task). On an
   * update, what the task is — actionType, title, agentId, department, parentTaskId,
   * idempotencyKey, createdAt — is kept from the insert; only its state columns change.
   */
  task: TaskRecord;
  /**
   * The revision the writer read; the commit fails with `StaleRevisionError` when the stored
   * row has another. `null` inserts a new task (fails if the id exists, or with
   * `DuplicateIdempotencyKeyError` when the agent already used `task.idempotencyKey`).
   */
  expectedRevision: number | null;
  /** The task's approval, inserted or replaced whole. */
  approval?: Approval;
  /** Takes (an object) or releases (`null`) the task's lease with this commit; absent: unchanged. */
  lease?: TaskLease | null;
  events: StampedEventDraft[];
}

/**
 * A worker's claim on a task: while it holds an unexpired lease, no other worker takes the task
 * over (recovery of an interrupted execution, a deadline being applied). Heartbeats extend it.
 */
export interface TaskLease {
  /** The worker's id. */
  owner: string;
  /** ISO time after which the lease is free for others. */
  expiresAt: string;
}

/** What a commit produced: its events with their journal ids, in order. */
export interface CommitReceipt {
  eventIds: number[];
}
