import type { TaskState } from '../api/types.ts';

/**
 * The colour family of a state, shared by the chart, the list and the detail: where a task
 * is in the gate at a glance. `flow` is the way in, `human` waits for a person, `run` is
 * cleared work, `ok` done, `stop` refused or failed, `aside` ended another way.
 */
export type StateTone = 'flow' | 'human' | 'run' | 'ok' | 'stop' | 'aside';

const TONES: Record<TaskState, StateTone> = {
  proposed: 'flow',
  evaluating: 'flow',
  reevaluating: 'flow',
  autoApproved: 'run',
  awaitingHuman: 'human',
  parked: 'human',
  resumed: 'run',
  executing: 'run',
  completed: 'ok',
  failed: 'stop',
  denied: 'stop',
  rerouted: 'aside',
  expired: 'aside',
  cancelled: 'aside',
  quarantined: 'stop',
};

/**
 * The tone of a state name (unknown names are `flow`).
 * @example stateTone('parked') // 'human'
 */
export function stateTone(state: string): StateTone {
  return TONES[state as TaskState] ?? 'flow';
}

/**
 * A state name as people read it: `awaitingHuman` → `awaiting human`.
 * @example stateLabel('autoApproved') // 'auto approved'
 */
export function stateLabel(state: string): string {
  return state.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
