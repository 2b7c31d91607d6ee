import { decodeEnvelope } from '../../machines/envelope.ts';
import { ConflictError, GateError, NotFoundError, SnapshotInvalidError, StaleRevisionError } from '../errors.ts';
import type { Approval } from '../model/approval.ts';
import type { TaskState } from '../model/task-state.ts';
import type { TaskRecord } from '../store/task-record.ts';
import { jsonEqual } from '../util/canonical-json.ts';
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

/** How a task is restored. */
export interface RestoreOptions {
  /** Restored by recovery or a takeover (not by a decision). */
  recovered: boolean;
  /** This worker holds the task's lease. */
  leased?: boolean;
  /**
   * The task's approval as the caller has just read it from the store, under the task's lock
   * (a decision, an expiry): checked against the snapshot instead of reading it once more.
   */
  storedApproval?: Approval;
  /**
   * The task's row as the caller read it together with `storedApproval` (one read, under the
   * task's lock): restored from instead of reading it once more.
   */
  storedTask?: TaskRecord;
}

/**
 * Reads a task from the store and restores its actor (not started), after checking that its
 * snapshot is valid, that its machine version can be migrated, that the row and the snapshot
 * agree on the state, that a parked task's stored approval agrees with the snapshot's, and that
 * the state is one the caller may act on.
 * @throws NotFoundError, TaskLoadError (409 invalid_transition; `snapshotError` set when the snapshot is unusable),
 *   StaleRevisionError (the task moved on while it was being read: read it again)
 * @example const run = await loadTaskRun(deps, taskId, ['parked'], { recovered: false });
 */
export async function loadTaskRun(
  deps: TaskRunDeps,
  taskId: string,
  allowed: readonly TaskState[],
  options: RestoreOptions,
): Promise<TaskRun> {
  const record = options.storedTask?.id === taskId ? options.storedTask : await deps.store.getTask(taskId);
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
  if (record.state === 'parked' && allowed.includes('parked')) {
    // Store errors propagate as they are; only a disagreement that is not a race quarantines.
    let mismatch = await storedApprovalMismatch(deps, record.approvalId, snapshot.context.approval, options.storedApproval);
    // The caller read the approval before this read the task: another worker's commit may lie between.
    if (mismatch && options.storedApproval) mismatch = await storedApprovalMismatch(deps, record.approvalId, snapshot.context.approval, undefined);
    if (mismatch) {
      // The task and its approval are written in one transaction but read in two statements: if
      // the task moved on in between, the two reads saw different commits, not a damaged row.
      const again = await deps.store.getTask(taskId);
      if (again && again.revision !== record.revision) throw new StaleRevisionError(taskId, record.revision, again.revision);
      throw new TaskLoadError(`task ${taskId} cannot be restored: ${mismatch.message}`, record, mismatch);
    }
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

/** What a decision relies on: the stored approval and the snapshot's must agree on all of it. */
const DECISION_FIELDS = [
  'id',
  'taskId',
  'status',
  'requestedBy',
  'riskLevel',
  'requiredApprovals',
  'approvals',
  'argsHash',
  'policyVersion',
  'expiresAt',
] as const satisfies ReadonlyArray<keyof Approval>;

/**
 * A decision is checked against the stored approval (who requested it, its risk, its votes)
 * and applied to the snapshot's copy, so the two must agree before a parked task is acted on.
 * A damaged or edited approval row (the SQLite store reads an unreadable record as a stand-in
 * saying so) makes the task unusable: it is quarantined, never decided on stand-in data.
 */
async function storedApprovalMismatch(
  deps: TaskRunDeps,
  approvalId: string | null,
  expected: Approval | null,
  alreadyRead: Approval | undefined,
): Promise<SnapshotInvalidError | null> {
  if (approvalId === null || expected === null) return new SnapshotInvalidError('a parked task without its approval');
  const stored = alreadyRead?.id === approvalId ? alreadyRead : await deps.store.getApproval(approvalId);
  if (!stored) return new SnapshotInvalidError(`approval ${approvalId} of the parked task is missing from the store`);
  const differing = DECISION_FIELDS.filter((field) => !jsonEqual(stored[field], expected[field]));
  if (differing.length === 0) return null;
  const stated = stored.decisionReason && stored.decisionReason !== expected.decisionReason ? `: ${stored.decisionReason}` : '';
  return new SnapshotInvalidError(`approval ${approvalId} as stored does not match the task's snapshot (${differing.join(', ')} differ)${stated}`);
}
