import { TASK_MACHINE_VERSION } from './version.ts';

/** Turns a persisted snapshot of version N into one of version N + 1. */
export type SnapshotMigration = (snapshot: Record<string, unknown>) => Record<string, unknown>;

/**
 * Migrations by the version they migrate *from*. Version 1 is the first released format, so
 * there is none yet; a v2 machine adds `1: (snapshot) => …` here.
 */
export const SNAPSHOT_MIGRATIONS: Readonly<Record<number, SnapshotMigration>> = {};

/**
 * Brings a persisted snapshot from `fromVersion` up to the current machine version, one
 * migration at a time. Returns null when a step has no migration (or the version is newer than
 * this code).
 *
 * @example migrateSnapshot(snapshot, 1) // the same snapshot while version 1 is current
 */
export function migrateSnapshot(
  snapshot: Record<string, unknown>,
  fromVersion: number,
  migrations: Readonly<Record<number, SnapshotMigration>> = SNAPSHOT_MIGRATIONS,
  toVersion: number = TASK_MACHINE_VERSION,
): Record<string, unknown> | null {
  if (!Number.isInteger(fromVersion) || fromVersion < 1 || fromVersion > toVersion) return null;
  let current = snapshot;
  for (let version = fromVersion; version < toVersion; version += 1) {
    const migrate = migrations[version];
    if (!migrate) return null;
    current = migrate(current);
  }
  return current;
}
