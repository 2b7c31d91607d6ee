import { DuplicateIdempotencyKeyError, StaleRevisionError, TaskExistsError } from '../errors.ts';
import type { AutonomySetting } from '../model/autonomy-setting.ts';
import type { PackedCommits } from './packed-commits.ts';
import type { CommitReceipt, TaskLease } from './task-record.ts';

/**
 * The messages between SQLite stores and the writer thread. Structured clone keeps plain
 * data but not error classes, so errors cross as `WireError` and are rebuilt on arrival: a
 * refused compare-and-set is the same `StaleRevisionError` on either side of the thread.
 */
export type WriteRequest = { id: number } & WriteOp;

/** What a request asks of the writer thread. `store` is the handle `open` answered with. */
export type WriteOp =
  | { op: 'open'; path: string; synchronous: 'FULL' | 'NORMAL' }
  | { op: 'commit'; store: number; count: number; packed: PackedCommits }
  | { op: 'autonomy'; store: number; setting: AutonomySetting }
  | { op: 'claim'; store: number; taskIds: string[]; lease: TaskLease; now: string }
  | { op: 'renew'; store: number; taskIds: string[]; lease: TaskLease }
  | { op: 'close'; store: number };

/** The writer thread's answer to one request. */
export type WriteReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

/** An error as it crosses the thread. */
export type WireError =
  | { kind: 'stale_revision'; taskId: string; expected: number | null; actual: number | null }
  | { kind: 'task_exists'; taskId: string }
  | { kind: 'duplicate_idempotency_key'; existingTaskId: string }
  | { kind: 'error'; name: string; message: string; code?: string };

/** A commit's outcome as it crosses the thread: its receipt, or why it was refused. */
export type WireOutcome = CommitReceipt | { refused: WireError };

/** Encodes an error for the other thread. */
export function toWireError(error: unknown): WireError {
  if (error instanceof StaleRevisionError) return { kind: 'stale_revision', taskId: error.taskId, expected: error.expected, actual: error.actual };
  if (error instanceof TaskExistsError) return { kind: 'task_exists', taskId: error.taskId };
  if (error instanceof DuplicateIdempotencyKeyError) return { kind: 'duplicate_idempotency_key', existingTaskId: error.existingTaskId };
  const plain = error instanceof Error ? error : new Error(String(error));
  const code = (plain as { code?: unknown }).code;
  return { kind: 'error', name: plain.name, message: plain.message, ...(typeof code === 'string' ? { code } : {}) };
}

/** Rebuilds an error that crossed the thread. */
export function fromWireError(wire: WireError): Error {
  switch (wire.kind) {
    case 'stale_revision':
      return new StaleRevisionError(wire.taskId, wire.expected, wire.actual);
    case 'task_exists':
      return new TaskExistsError(wire.taskId);
    case 'duplicate_idempotency_key':
      return new DuplicateIdempotencyKeyError(wire.existingTaskId);
    default: {
      const error = new Error(wire.message);
      error.name = wire.name;
      if (wire.code !== undefined) Object.assign(error, { code: wire.code });
      return error;
    }
  }
}

/** Encodes a batch's outcomes (receipts, or errors in the slots of refused commits). */
export function toWireOutcomes(outcomes: ReadonlyArray<CommitReceipt | Error>): WireOutcome[] {
  return outcomes.map((outcome) => (outcome instanceof Error ? { refused: toWireError(outcome) } : outcome));
}

/** Decodes a batch's outcomes. */
export function fromWireOutcomes(outcomes: readonly WireOutcome[]): Array<CommitReceipt | Error> {
  return outcomes.map((outcome) => ('refused' in outcome ? fromWireError(outcome.refused) : outcome));
}
