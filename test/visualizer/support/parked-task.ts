import type { Task } from '../../../visualizer/src/api/types.ts';

/**
 * A parked `vcs:push` task as the API shows it to the visualizer, with `overrides` applied: the
 * one fixture the visualizer's logic tests build their tasks from.
 * @example parkedTask({ args: { branch: 'main' } })
 */
export function parkedTask(overrides: Partial<Task> = {}): Task {
  return {
    id: 't-1',
    state: 'parked',
    actionType: 'vcs:push',
    title: 'Push the release',
    description: null,
    args: {},
    agentId: 'agent-1',
    department: null,
    riskLevel: 'high',
    autonomy: 'semi',
    verdict: null,
    approvalId: 'a-1',
    alternative: null,
    alternativeTaskId: null,
    parentTaskId: null,
    result: null,
    error: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}
