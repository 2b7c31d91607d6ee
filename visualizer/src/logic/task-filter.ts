import type { Task, TaskState } from '../api/types.ts';

/** The task list's filter; empty strings mean "any". `state` is applied by the server. */
export interface TaskFilter {
  state: TaskState | '';
  actionType: string;
  risk: string;
  agent: string;
}

/** No filter. */
export const NO_FILTER: TaskFilter = { state: '', actionType: '', risk: '', agent: '' };

/**
 * Whether a task passes a filter. Action type matches a prefix (`deploy:` finds every
 * deploy), agent a substring; risk `none` finds tasks not yet judged.
 * @example matchesFilter(task, { ...NO_FILTER, actionType: 'vcs:' })
 */
export function matchesFilter(task: Task, filter: TaskFilter): boolean {
  if (filter.state && task.state !== filter.state) return false;
  if (filter.actionType && !task.actionType.startsWith(filter.actionType.trim().toLowerCase())) return false;
  if (filter.risk && (task.riskLevel ?? 'none') !== filter.risk) return false;
  if (filter.agent && !task.agentId.toLowerCase().includes(filter.agent.trim().toLowerCase())) return false;
  return true;
}

/**
 * The distinct values of a field across tasks, sorted, for the filter's suggestions.
 * @example distinctValues(tasks, (t) => t.agentId) // ['agent-atlas', 'agent-b']
 */
export function distinctValues(tasks: Iterable<Task>, pick: (task: Task) => string | null): string[] {
  const values = new Set<string>();
  for (const task of tasks) {
    const value = pick(task);
    if (value) values.add(value);
  }
  return [...values].sort();
}

/**
 * Tasks newest first (by creation time, then id), as the list shows them.
 * @example sortNewestFirst([...byId.values()])
 */
export function sortNewestFirst(tasks: Task[]): Task[] {
  return tasks.sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
}
