import type { TaskRecord } from './task-record.ts';

// Kept apart from the row readers and their zod schemas: the SQLite writer thread needs this, not zod.

/** Parameters for inserting or replacing a task row. */
export function taskToParams(task: TaskRecord): unknown[] {
  return [
    task.id,
    task.state,
    task.actionType,
    task.title,
    task.agentId,
    task.department,
    task.riskLevel,
    task.approvalId,
    task.parentTaskId,
    task.idempotencyKey,
    task.revision,
    task.envelope,
    JSON.stringify(task.history),
    task.quarantineReason,
    task.createdAt,
    task.updatedAt,
  ];
}
