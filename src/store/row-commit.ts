import type { Approval } from '../model/approval.ts';
import type { ApprovalRow, TaskRow } from './sqlite-rows.ts';
import type { StampedEventDraft, TaskCommit, TaskLease, TaskRecord } from './task-record.ts';

// Types only from sqlite-rows.ts: the SQLite writer thread bundles this file, not zod.

/**
 * A task commit in the form of the rows the SQLite store writes: the task's row (its history
 * already JSON text) and its approval's (the record already JSON text). This is what crosses to
 * the writer thread: a structured clone copies text in one piece but an object graph field by
 * field — a resume's two commits took 13 µs to post and 18 µs to receive as objects, 6 and 10 as
 * rows (measured; the JSON texts, which the writer made anyway, cost 7 µs on this side).
 */
export interface RowCommit {
  task: TaskRow;
  /** As `TaskCommit.expectedRevision`. */
  expectedRevision: number | null;
  approval?: ApprovalRow;
  lease?: TaskLease | null;
  events: StampedEventDraft[];
}

/** The rows of a task commit. */
export function toRowCommit(change: TaskCommit): RowCommit {
  const row: RowCommit = { task: taskToRow(change.task), expectedRevision: change.expectedRevision, events: change.events };
  if (change.approval) row.approval = approvalToRow(change.approval);
  if (change.lease !== undefined) row.lease = change.lease;
  return row;
}

/** A task as its `tasks` row (the inverse of `taskFromRow`). */
export function taskToRow(task: TaskRecord): TaskRow {
  return {
    id: task.id,
    state: task.state,
    action_type: task.actionType,
    title: task.title,
    agent_id: task.agentId,
    department: task.department,
    risk_level: task.riskLevel,
    approval_id: task.approvalId,
    parent_task_id: task.parentTaskId,
    idempotency_key: task.idempotencyKey,
    revision: task.revision,
    envelope: task.envelope,
    history: JSON.stringify(task.history),
    quarantine_reason: task.quarantineReason,
    created_at: task.createdAt,
    updated_at: task.updatedAt,
  };
}

/** An approval as its `approvals` row: the columns the store indexes, and the whole record. */
export function approvalToRow(approval: Approval): ApprovalRow {
  return {
    id: approval.id,
    task_id: approval.taskId,
    status: approval.status,
    risk_level: approval.riskLevel,
    action_type: approval.actionType,
    created_at: approval.createdAt,
    expires_at: approval.expiresAt,
    record: JSON.stringify(approval),
  };
}
