import { z } from 'zod';

/** Every state of the task machine, as the API names them. */
export const TASK_STATES = [
  'proposed',
  'evaluating',
  'autoApproved',
  'awaitingHuman',
  'parked',
  'resumed',
  'reevaluating',
  'executing',
  'completed',
  'failed',
  'denied',
  'rerouted',
  'expired',
  'cancelled',
] as const;

/**
 * A task's state. `quarantined` is not a machine state: the store marks a task so when its
 * persisted snapshot cannot be restored (invalid, or a version without a migration).
 */
export const TaskState = z.enum([...TASK_STATES, 'quarantined']);
export type TaskState = z.infer<typeof TaskState>;

/** States a task never leaves. */
export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set([
  'completed',
  'failed',
  'denied',
  'rerouted',
  'expired',
  'cancelled',
  'quarantined',
]);

/** Whether a task in this state is finished for good. */
export function isTerminal(state: TaskState): boolean {
  return TERMINAL_STATES.has(state);
}
