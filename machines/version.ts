/**
 * The version of the task machine's persisted snapshot format. Bump it whenever a change to
 * task.machine.ts or TaskContext could make an older snapshot restore differently, add a
 * migration from the previous version to migrations.ts, and add golden fixtures under
 * test/fixtures/snapshots/vN/.
 */
export const TASK_MACHINE_VERSION = 1;
