import { z } from 'zod';
import { SnapshotInvalidError } from '../src/errors.ts';
import { TASK_STATES } from '../src/model/task-state.ts';
import { noCopyParser } from '../src/util/no-copy-parse.ts';
import { type SnapshotMigration, SNAPSHOT_MIGRATIONS, migrateSnapshot } from './migrations.ts';
import { TaskContext } from './task-context.ts';
import { TASK_MACHINE_VERSION } from './version.ts';

/** States a snapshot may be persisted in: the engine checkpoints only at rest or before executing. */
export const PERSISTABLE_STATES = [
  'parked',
  'executing',
  'completed',
  'failed',
  'denied',
  'rerouted',
  'expired',
  'cancelled',
] as const;

const FINAL_STATES = new Set<string>(['completed', 'failed', 'denied', 'rerouted', 'expired', 'cancelled']);

const ChildSnapshot = z.object({
  src: z.enum(['secOps', 'approvalStore', 'executor']),
  snapshot: z.record(z.string(), z.unknown()),
});

/** The persisted snapshot of the current machine version (what `getPersistedSnapshot()` gives). */
export const PersistedTaskSnapshot = z
  .object({
    status: z.enum(['active', 'done']),
    value: z.enum(PERSISTABLE_STATES),
    historyValue: z.record(z.string(), z.unknown()).optional(),
    context: TaskContext,
    children: z.record(z.string(), ChildSnapshot),
    output: z.unknown().optional(),
    error: z.unknown().optional(),
  })
  .refine((snapshot) => (snapshot.status === 'done') === FINAL_STATES.has(snapshot.value), {
    message: 'status must be "done" exactly in a final state',
    path: ['status'],
  });
export type PersistedTaskSnapshot = z.infer<typeof PersistedTaskSnapshot>;

/** What the store keeps for a task: the snapshot and the machine version that wrote it. */
export const SnapshotEnvelope = z.strictObject({
  machineVersion: z.number().int().positive(),
  snapshot: z.record(z.string(), z.unknown()),
});
export type SnapshotEnvelope = z.infer<typeof SnapshotEnvelope>;

// Read on every restore: a stored snapshot zod accepts is used as parsed, not copied (noCopyParser).
const parseEnvelope = noCopyParser(SnapshotEnvelope);
const parseSnapshot = noCopyParser(PersistedTaskSnapshot);

/**
 * Serialises a persisted snapshot with the current machine version.
 * @example store.commit({ task: { ...row, envelope: encodeEnvelope(actor.getPersistedSnapshot()) }, … })
 */
export function encodeEnvelope(snapshot: unknown): string {
  return `{"machineVersion":${TASK_MACHINE_VERSION},"snapshot":${JSON.stringify(snapshot)}}`;
}

/**
 * Parses, validates and migrates a stored envelope into a snapshot the current machine can
 * restore. Restoring a snapshot whose state no longer exists gives an actor in `error` status
 * silently, so everything is checked here first.
 * @throws SnapshotInvalidError with the reason
 * @example const snapshot = decodeEnvelope(row.envelope); createActor(machine, { snapshot });
 */
export function decodeEnvelope(
  text: string,
  migrations: Readonly<Record<number, SnapshotMigration>> = SNAPSHOT_MIGRATIONS,
): PersistedTaskSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SnapshotInvalidError(`snapshot is not valid JSON: ${(error as Error).message}`);
  }
  const envelope = parseEnvelope(raw);
  if (!envelope.success) {
    throw new SnapshotInvalidError(`snapshot envelope is invalid: ${describeIssues(envelope.error)}`);
  }
  const { machineVersion, snapshot } = envelope.data;
  const migrated = migrateSnapshot(snapshot, machineVersion, migrations);
  if (!migrated) {
    throw new SnapshotInvalidError(
      `snapshot has machine version ${machineVersion}, and there is no migration to version ${TASK_MACHINE_VERSION}`,
    );
  }
  const parsed = parseSnapshot(migrated);
  if (!parsed.success) {
    throw new SnapshotInvalidError(`snapshot is invalid: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Every state name of the machine, for checks that a value is a real state. */
export const MACHINE_STATES: readonly string[] = TASK_STATES;
