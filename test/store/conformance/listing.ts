import { describe, expect, it } from 'vitest';
import type { TaskState } from '../../../src/model/task-state.ts';
import type { Store } from '../../../src/store/store.ts';
import type { TaskRecord } from '../../../src/store/task-record.ts';
import { insertOf, isoAt, nextRevision, taskIdOf, taskRecord, updateOf } from '../fixtures.ts';
import type { StoreSubject } from './harness.ts';

/** Task n (1-based) is in STATES[n - 1]. Inserted out of id order on purpose. */
const STATES: TaskState[] = ['parked', 'completed', 'parked', 'executing', 'denied', 'parked', 'completed', 'parked', 'evaluating', 'parked', 'parked'];
const INSERT_ORDER = [5, 11, 1, 8, 3, 10, 2, 7, 4, 9, 6];

async function seed(store: Store): Promise<void> {
  for (const n of INSERT_ORDER) await store.commit(insertOf(taskRecord(n, { state: STATES[n - 1] as TaskState })));
}

/** Task ids in a state, newest (highest) first. */
function idsIn(state?: TaskState): string[] {
  return STATES.flatMap((s, index) => (state === undefined || s === state ? [taskIdOf(index + 1)] : [])).reverse();
}

/** Follows `nextCursor` to the end, returning every page's ids. */
async function allPages(store: Store, limit: number, state?: TaskState): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard += 1) {
    const page = await store.listTasks({ limit, ...(state ? { state } : {}), ...(cursor ? { cursor } : {}) });
    pages.push(page.items.map((task) => task.id));
    if (page.nextCursor === null) return pages;
    cursor = page.nextCursor;
  }
  throw new Error('listTasks never ended');
}

/** Listing tasks: newest first with cursors for the API, oldest first by state for recovery. */
export function describeTaskListing(subject: StoreSubject): void {
  describe('listTasks', () => {
    it('lists tasks newest first, whole records', async () => {
      const { store } = subject;
      await seed(store);
      const page = await store.listTasks({ limit: 100 });
      expect(page.items.map((task) => task.id)).toEqual(idsIn());
      expect(page.nextCursor).toBeNull();
      expect(page.items.at(-1)).toStrictEqual(taskRecord(1, { state: 'parked' }));
      expect(await store.listTasks({ limit: 5, state: 'failed' })).toEqual({ items: [], nextCursor: null });
    });

    it('filters by state', async () => {
      const { store } = subject;
      await seed(store);
      expect((await store.listTasks({ limit: 100, state: 'parked' })).items.map((task) => task.id)).toEqual(idsIn('parked'));
      expect((await store.listTasks({ limit: 100, state: 'completed' })).items.map((task) => task.id)).toEqual(idsIn('completed'));
    });

    it('pages with cursors, covering every row exactly once, in order', async () => {
      const { store } = subject;
      await seed(store);
      for (const limit of [1, 3, 4, 11]) {
        const pages = await allPages(store, limit);
        expect(pages.flat()).toEqual(idsIn());
        expect(pages.slice(0, -1).every((page) => page.length === limit)).toBe(true);
        expect(pages.length).toBeLessThanOrEqual(Math.ceil(STATES.length / limit) + 1);
      }
      const parked = await allPages(store, 2, 'parked');
      expect(parked.flat()).toEqual(idsIn('parked'));
      expect(parked[0]).toHaveLength(2);
    });

    it('reflects state changes made by later commits', async () => {
      const { store } = subject;
      await seed(store);
      const task = taskRecord(1, { state: 'parked' });
      await store.commit({ task: nextRevision(task, { state: 'cancelled' }), expectedRevision: 1, events: [] });
      expect((await store.listTasks({ limit: 100, state: 'parked' })).items.map((t) => t.id)).not.toContain(task.id);
      expect((await store.listTasks({ limit: 100, state: 'cancelled' })).items.map((t) => t.id)).toEqual([task.id]);
    });
  });

  describe('listTasksInStates', () => {
    it('returns tasks in any of the states, oldest first, up to the limit', async () => {
      const { store } = subject;
      await seed(store);
      const wanted: TaskState[] = ['executing', 'evaluating', 'denied'];
      const expected = idsIn().reverse().filter((id) => wanted.includes(STATES[Number(id.slice(-4)) - 1] as TaskState));
      expect((await store.listTasksInStates(wanted, 100)).map((task) => task.id)).toEqual(expected);
      expect((await store.listTasksInStates(wanted, 2)).map((task) => task.id)).toEqual(expected.slice(0, 2));
      expect((await store.listTasksInStates(['parked'], 100)).map((task) => task.id)).toEqual(idsIn('parked').reverse());
      expect((await store.listTasksInStates(['executing'], 1))[0]).toStrictEqual(taskRecord(4, { state: 'executing' }));
    });

    it('returns nothing for no states or states nobody is in', async () => {
      const { store } = subject;
      await seed(store);
      expect(await store.listTasksInStates([], 100)).toEqual([]);
      expect(await store.listTasksInStates(['failed', 'rerouted'], 100)).toEqual([]);
    });

    it('with leaseFreeAt, leaves out the tasks whose lease is still held then', async () => {
      const { store } = subject;
      const [free, held, expired, released] = [1, 2, 3, 4].map((n) => taskRecord(n, { state: 'executing' })) as [TaskRecord, TaskRecord, TaskRecord, TaskRecord];
      await store.commit(insertOf(free));
      await store.commit(insertOf(held, { lease: { owner: 'worker-a', expiresAt: isoAt(60) } }));
      await store.commit(insertOf(expired, { lease: { owner: 'worker-b', expiresAt: isoAt(10) } }));
      await store.commit(insertOf(released, { lease: { owner: 'worker-a', expiresAt: isoAt(60) } }));
      await store.commit(updateOf(released, nextRevision(released, { state: 'executing' }), { lease: null }));
      const ids = async (at: string) => (await store.listTasksInStates(['executing'], 100, { leaseFreeAt: at })).map((task) => task.id);
      expect(await ids(isoAt(30))).toEqual([free.id, expired.id, released.id]);
      // A lease is free from the moment it expires.
      expect(await ids(isoAt(60))).toEqual([free.id, held.id, expired.id, released.id]);
      expect(await ids(isoAt(5))).toEqual([free.id, released.id]);
      expect((await store.listTasksInStates(['executing'], 100)).map((task) => task.id)).toEqual([free.id, held.id, expired.id, released.id]);
    });
  });
}

/** Rerouted tasks whose alternative (`${id}-alt`) a crash kept from being created. */
export function describeReroutesWithoutAlternative(subject: StoreSubject): void {
  describe('rerouted tasks without their alternative', () => {
    it('lists only rerouted tasks whose `-alt` task does not exist, oldest first, up to the limit', async () => {
      const { store } = subject;
      const orphanA = taskRecord(1, { state: 'rerouted' });
      const linked = taskRecord(2, { state: 'rerouted' });
      const orphanB = taskRecord(3, { state: 'rerouted' });
      const other = taskRecord(4, { state: 'denied' });
      for (const task of [orphanA, linked, orphanB, other]) await store.commit(insertOf(task, { events: [] }));
      await store.commit(insertOf(taskRecord(5, { id: `${linked.id}-alt`, parentTaskId: linked.id }), { events: [] }));
      expect((await store.listReroutesWithoutAlternative(10)).map((task) => task.id)).toEqual([orphanA.id, orphanB.id]);
      expect((await store.listReroutesWithoutAlternative(1)).map((task) => task.id)).toEqual([orphanA.id]);
    });
  });
}
