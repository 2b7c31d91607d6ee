import { taskToRow } from './row-commit.ts';
import type { TaskRow } from './sqlite-rows.ts';
import type { TaskRecord } from './task-record.ts';

// Kept apart from the row readers and their zod schemas: the SQLite writer thread needs this, not zod.

/** Parameters for inserting a task row, in the column order of both SQL stores' `tasks` (TASK_COLUMNS). */
export function taskRowParams(row: TaskRow): unknown[] {
  return [
    row.id,
    row.state,
    row.action_type,
    row.title,
    row.agent_id,
    row.department,
    row.risk_level,
    row.approval_id,
    row.parent_task_id,
    row.idempotency_key,
    row.revision,
    row.envelope,
    row.history,
    row.quarantine_reason,
    row.created_at,
    row.updated_at,
  ];
}

/** Parameters for inserting a task's row. */
export function taskToParams(task: TaskRecord): unknown[] {
  return taskRowParams(taskToRow(task));
}
