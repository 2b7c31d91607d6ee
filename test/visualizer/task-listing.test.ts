import { describe, expect, it } from 'vitest';
import type { Task } from '../../visualizer/src/api/types.ts';
import { listTasks } from '../../visualizer/src/logic/task-listing.ts';

// Ids sort by creation (UUIDv7), as the API's pages do.
const task = (n: number): Task => ({ id: `t-${String(n).padStart(4, '0')}`, createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, n)).toISOString() }) as Task;
const ids = (tasks: Task[]) => tasks.map((t) => t.id);

describe('the task list', () => {
  it('is newest first whatever order the tasks were loaded or changed in', () => {
    // A page (newest first), then tasks that arrived live, then one refreshed (Map insertion order).
    const loaded = new Map([task(5), task(4), task(3), task(6), task(7), task(4)].map((t) => [t.id, t]));
    expect(ids(listTasks(loaded.values(), 300, null).listed)).toEqual(['t-0007', 't-0006', 't-0005', 't-0004', 't-0003']);
  });

  it('lets go of the oldest past the limit, keeps the selected one, and pages on from the oldest listed (nothing skipped)', () => {
    const tasks = Array.from({ length: 8 }, (_, n) => task(n + 1));
    const listing = listTasks(tasks, 5, 't-0001');
    expect(ids(listing.listed)).toEqual(['t-0008', 't-0007', 't-0006', 't-0005', 't-0004']);
    expect(listing.dropped).toEqual(['t-0003', 't-0002']);
    expect(listing.cursor).toBe('t-0004');
    expect(listTasks(tasks, 8, null)).toEqual({ listed: [...tasks].reverse(), dropped: [], cursor: null });
  });

  it('shows an older page past 300 once the limit holds it (LiveData raises it to what was loaded)', () => {
    const fourPages = Array.from({ length: 400 }, (_, n) => task(n + 1));
    expect(listTasks(fourPages, 300, null).listed).toHaveLength(300);
    expect(listTasks(fourPages, 400, null).listed).toHaveLength(400);
  });
});
