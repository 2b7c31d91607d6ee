import { decodeEnvelope } from '../../machines/envelope.ts';
import { ConflictError, GateError, NotFoundError, SnapshotInvalidError } from '../errors.ts';
import type { TaskState } from '../model/task-state.ts';
import type { TaskRecord } from '../store/task-record.ts';
import { TaskRun, type TaskRunDeps } from './task-run.ts';

/** Why a stored task could not be loaded into a live run. */
export class TaskLoadError extends ConflictError {
  readonly record: TaskRecord | null;
  readonly snapshotError: SnapshotInvalidError | null;
  /** Set by the engine once the task has been quarantined. */
  quarantined = false;
  constructor(message: string, record: TaskRecord | null, snapshotError: SnapshotInvalidError | null = null) {
    super('invalid_transition', message);
    this.record = record;
    this.snapshotError = snapshotError;
  }
}

/**
 * Reads a task from the store and restores its actor (not started), after checking that its
 * snapshot is valid, that its machine version can be migrated, that the row and the snapshot
 * agree on the state, and that the state is one the caller may act on.
 * @throws NotFoundError, TaskLoadError (409 invalid_transition; `snapshotError` set when the snapshot is unusable)
 * @example const run = await loadTaskRun(deps, taskId, ['parked'], { recovered: false });
 */
export async function loadTaskRun(
  deps: TaskRunDeps,
  taskId: string,
  allowed: readonly TaskState[],
  options: { recovered: boolean; leased?: boolean },
): Promise<TaskRun> {
  const record = await deps.store.getTask(taskId);
  if (!record) throw new NotFoundError('task', taskId);
  if (record.state === 'quarantined') {
    throw new TaskLoadError(`task ${taskId} is quarantined: ${record.quarantineReason ?? 'unreadable snapshot'}`, record);
  }
  let snapshot: ReturnType<typeof decodeEnvelope>;
  try {
    snapshot = decodeEnvelope(record.envelope);
    if (snapshot.value !== record.state) {
      throw new SnapshotInvalidError(`the stored state is ${record.state} but the snapshot is in ${snapshot.value}`);
    }
    if (snapshot.context.taskId !== record.id) {
      throw new SnapshotInvalidError(`the snapshot belongs to task ${snapshot.context.taskId}, not ${record.id}`);
    }
  } catch (error) {
    const snapshotError = error instanceof SnapshotInvalidError ? error : new SnapshotInvalidError(String(error));
    throw new TaskLoadError(`task ${taskId} cannot be restored: ${snapshotError.message}`, record, snapshotError);
  }
  if (!allowed.includes(record.state)) {
    throw new TaskLoadError(`task ${taskId} is ${record.state}`, record);
  }
  const run = TaskRun.restore(deps, record, snapshot, options);
  if (run.actor.getSnapshot().status === 'error') {
    throw new GateError('internal', `task ${taskId} restored into an error state`);
  }
  return run;
}
