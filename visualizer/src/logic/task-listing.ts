import type { Task } from '../api/types.ts';
import { sortNewestFirst } from './task-filter.ts';

/** What the task list shows, and what it let go of. */
export interface TaskListing {
  /** Newest first, at most `limit` (the selected task is kept besides, but not listed past the limit). */
  listed: Task[];
  /** Ids to forget: older than the limit and not selected. */
  dropped: string[];
  /**
   * Where "Load older tasks" goes on when some were dropped: the oldest id listed (the API pages
   * by id, newest first, and ids sort by creation), so what was let go is loaded again, not skipped.
   */
  cursor: string | null;
}

/**
 * The task list: newest first, always (whatever order the tasks were loaded or changed in), cut
 * at `limit`. The limit keeps a long-open page from growing without end as tasks arrive; pages
 * the person loads on purpose raise it (see LiveData), so an older page loaded is an older page shown.
 * @example listTasks(live.tasks.values(), 300, selectedId).listed
 */
export function listTasks(tasks: Iterable<Task>, limit: number, selectedId: string | null): TaskListing {
  const sorted = sortNewestFirst([...tasks]);
  if (sorted.length <= limit) return { listed: sorted, dropped: [], cursor: null };
  const listed = sorted.slice(0, limit);
  const dropped = sorted
    .slice(limit)
    .map((task) => task.id)
    .filter((id) => id !== selectedId);
  const cursor = listed.reduce<string | null>((oldest, task) => (oldest === null || task.id < oldest ? task.id : oldest), null);
  return { listed, dropped, cursor };
}
