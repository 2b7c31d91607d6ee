import { Approval } from '../model/approval.ts';
import type { AuditEntry, LifecycleEvent } from '../model/lifecycle-event.ts';
import { noCopyParser } from '../util/no-copy-parse.ts';
import type { TaskRecord } from './task-record.ts';

/** A row of `tasks` as better-sqlite3 returns it. */
export interface TaskRow {
  id: string;
  state: string;
  action_type: string;
  title: string;
  agent_id: string;
  department: string | null;
  risk_level: string | null;
  approval_id: string | null;
  parent_task_id: string | null;
  idempotency_key: string | null;
  revision: number;
  envelope: string;
  history: string;
  quarantine_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** A row of `journal`. */
export interface JournalRow {
  seq: number;
  at: string;
  actor: string;
  type: string;
  task_id: string | null;
  approval_id: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

/** Converts a `tasks` row. The envelope stays text: the engine validates it when it restores. */
export function taskFromRow(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    state: row.state as TaskRecord['state'],
    actionType: row.action_type,
    title: row.title,
    agentId: row.agent_id,
    department: row.department,
    riskLevel: row.risk_level as TaskRecord['riskLevel'],
    approvalId: row.approval_id,
    parentTaskId: row.parent_task_id,
    idempotencyKey: row.idempotency_key,
    revision: row.revision,
    envelope: row.envelope,
    history: JSON.parse(row.history) as TaskRecord['history'],
    quarantineReason: row.quarantine_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export { taskToParams } from './task-params.ts';

/** A row of `approvals`: the record and the columns the store indexes. */
export interface ApprovalRow {
  id: string;
  task_id: string;
  status: string;
  risk_level: string;
  action_type: string;
  created_at: string;
  expires_at: string | null;
  record: string;
}

// Read on every decision: a record zod accepts is used as parsed, not copied (noCopyParser).
const parseApproval = noCopyParser(Approval);

/** How a stand-in for an unreadable approval record starts its `decisionReason`. */
export const UNREADABLE_APPROVAL = 'unreadable approval record';

/**
 * Converts an `approvals` row, checking its record (valid JSON, the Approval schema, and the
 * same id, taskId and status as its columns). A record that fails is not thrown at the caller
 * — one damaged row must not break the queue or the sweeper — but replaced by a stand-in built
 * from the row's columns, titled `(unreadable approval record)`, with the problem in
 * `decisionReason`. The stand-in cannot be decided on: the engine compares a parked task's
 * stored approval with its snapshot before acting, and quarantines the task when they differ.
 * Both SQL stores (SQLite and PostgreSQL: the same columns) read approvals through it.
 * @example const approval = approvalFromRow(db.prepare('SELECT * FROM approvals WHERE id = ?').get(id));
 */
export function approvalFromRow(row: ApprovalRow): Approval {
  let problem: string;
  try {
    const parsed = parseApproval(JSON.parse(row.record));
    if (parsed.success) {
      const approval = parsed.data;
      if (approval.id === row.id && approval.taskId === row.task_id && approval.status === row.status) return approval;
      problem = 'the record disagrees with its row (id, taskId or status)';
    } else {
      const issue = parsed.error.issues[0];
      problem = `the record does not match the Approval schema (${issue?.path.join('.') || 'record'}: ${issue?.message})`;
    }
  } catch (error) {
    problem = `the record is not valid JSON (${(error as Error).message})`;
  }
  return {
    id: row.id,
    taskId: row.task_id,
    actionType: row.action_type,
    title: '(unreadable approval record)',
    requestedBy: '',
    riskLevel: row.risk_level as Approval['riskLevel'],
    status: row.status as Approval['status'],
    requiredApprovals: 1,
    approvals: [],
    escalationTier: 0,
    argsHash: '',
    policyVersion: '',
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    decidedAt: null,
    decidedBy: null,
    decisionReason: `${UNREADABLE_APPROVAL}: ${problem}`,
    onTimeout: 'deny',
    escalationDeadlines: [],
  };
}

/**
 * An approval's row joined with its task's (`LEFT JOIN`): the approval's columns prefixed `a_`,
 * the task's as they are — all null when the task row is missing.
 */
export type ApprovalTaskRow = { [K in keyof ApprovalRow as `a_${K}`]: ApprovalRow[K] } & (TaskRow | { [K in keyof TaskRow]: null });

/** The columns of `tasks`, in the order of the table (and of {@link taskFromValues}). */
export const TASK_ROW_COLUMNS = [
  'id', 'state', 'action_type', 'title', 'agent_id', 'department', 'risk_level', 'approval_id', 'parent_task_id',
  'idempotency_key', 'revision', 'envelope', 'history', 'quarantine_reason', 'created_at', 'updated_at',
] as const satisfies ReadonlyArray<keyof TaskRow>;

/** The columns of `approvals`, in the order of the table (and of {@link approvalWithTaskFromValues}). */
export const APPROVAL_ROW_COLUMNS = [
  'id', 'task_id', 'status', 'risk_level', 'action_type', 'created_at', 'expires_at', 'record',
] as const satisfies ReadonlyArray<keyof ApprovalRow>;

/** The select list of an {@link ApprovalTaskRow}, from `approvals a LEFT JOIN tasks t ON t.id = a.task_id` (both SQL stores). */
export const APPROVAL_TASK_COLUMNS = [
  ...APPROVAL_ROW_COLUMNS.map((column) => `a.${column} AS a_${column}`),
  ...TASK_ROW_COLUMNS.map((column) => `t.${column}`),
].join(', ');

/**
 * A task from its columns as a `raw()` statement returns them (in {@link TASK_ROW_COLUMNS}
 * order, from `at`): the same record as `taskFromRow`, without building the row object first —
 * better-sqlite3 builds a row object one property at a time, which costs more than the read
 * on the hot path (a decision reads its approval and task: ~5 µs of ~14, measured).
 */
export function taskFromValues(v: readonly unknown[], at = 0): TaskRecord {
  return {
    id: v[at] as string,
    state: v[at + 1] as TaskRecord['state'],
    actionType: v[at + 2] as string,
    title: v[at + 3] as string,
    agentId: v[at + 4] as string,
    department: v[at + 5] as string | null,
    riskLevel: v[at + 6] as TaskRecord['riskLevel'],
    approvalId: v[at + 7] as string | null,
    parentTaskId: v[at + 8] as string | null,
    idempotencyKey: v[at + 9] as string | null,
    revision: v[at + 10] as number,
    envelope: v[at + 11] as string,
    history: JSON.parse(v[at + 12] as string) as TaskRecord['history'],
    quarantineReason: v[at + 13] as string | null,
    createdAt: v[at + 14] as string,
    updatedAt: v[at + 15] as string,
  };
}

/** An approval with its task from the columns of {@link APPROVAL_TASK_COLUMNS} as a `raw()` statement returns them; as `approvalWithTaskFromRow`. */
export function approvalWithTaskFromValues(v: readonly unknown[]): { approval: Approval; task: TaskRecord | null } {
  const approval = approvalFromRow({
    id: v[0] as string,
    task_id: v[1] as string,
    status: v[2] as string,
    risk_level: v[3] as string,
    action_type: v[4] as string,
    created_at: v[5] as string,
    expires_at: v[6] as string | null,
    record: v[7] as string,
  });
  return { approval, task: v[8] === null ? null : taskFromValues(v, 8) };
}

/** Converts an approval's row joined with its task's: the approval as `approvalFromRow` reads it, and the task or null. */
export function approvalWithTaskFromRow(row: ApprovalTaskRow): { approval: Approval; task: TaskRecord | null } {
  const approval = approvalFromRow({
    id: row.a_id,
    task_id: row.a_task_id,
    status: row.a_status,
    risk_level: row.a_risk_level,
    action_type: row.a_action_type,
    created_at: row.a_created_at,
    expires_at: row.a_expires_at,
    record: row.a_record,
  });
  return { approval, task: row.id === null ? null : taskFromRow(row as TaskRow) };
}

/** A journal row as an outbox event. */
export function eventFromRow(row: JournalRow): LifecycleEvent {
  const data = JSON.parse(row.data) as Record<string, unknown>;
  const event: LifecycleEvent = { id: row.seq, type: row.type as LifecycleEvent['type'], at: row.at, taskId: row.task_id ?? '', actor: row.actor };
  if (row.approval_id !== null) event.approvalId = row.approval_id;
  if (Object.keys(data).length > 0) event.data = data as LifecycleEvent['data'];
  return event;
}

/** A journal row as an audit entry. */
export function auditFromRow(row: JournalRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.type,
    taskId: row.task_id,
    approvalId: row.approval_id,
    data: JSON.parse(row.data) as AuditEntry['data'],
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
