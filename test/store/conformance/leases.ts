import { describe, expect, it } from 'vitest';
import { insertOf, isoAt, nextRevision, taskRecord } from '../fixtures.ts';
import type { StoreSubject } from './harness.ts';

const a = (minutes: number) => ({ owner: 'worker-a', expiresAt: isoAt(minutes) });
const b = (minutes: number) => ({ owner: 'worker-b', expiresAt: isoAt(minutes) });

/** Task leases: who may take over a task, claimed atomically, renewed by heartbeats, set and released with commits. */
export function describeLeases(subject: StoreSubject): void {
  describe('task leases', () => {
    it('claims free tasks, refuses ones another worker holds until their lease expires, and lets the holder claim again', async () => {
      const { store } = subject;
      expect((await store.claimTasks(['t1', 't2', 't1'], a(10), isoAt(0))).sort()).toEqual(['t1', 't2']);
      expect(await store.claimTasks(['t1', 't3'], b(20), isoAt(5))).toEqual(['t3']);
      expect(await store.claimTasks(['t1'], a(30), isoAt(6))).toEqual(['t1']);
      // Expired (expiresAt ≤ now): anyone may take it.
      expect(await store.claimTasks(['t1'], b(40), isoAt(30))).toEqual(['t1']);
      expect(await store.claimTasks([], b(40), isoAt(30))).toEqual([]);
    });

    it('renews only the leases the owner still holds', async () => {
      const { store } = subject;
      await store.claimTasks(['t1', 't2'], a(10), isoAt(0));
      await store.claimTasks(['t2'], b(30), isoAt(11));
      expect(await store.renewLeases(['t1', 't2', 't9'], a(20))).toEqual(['t1']);
      // The renewal holds: b cannot claim t1 before minute 20.
      expect(await store.claimTasks(['t1'], b(40), isoAt(15))).toEqual([]);
    });

    it('lets exactly one of several workers claiming the same task at once get it', async () => {
      const { store } = subject;
      const owners = ['w1', 'w2', 'w3', 'w4', 'w5'];
      const results = await Promise.all(owners.map((owner) => store.claimTasks(['contested'], { owner, expiresAt: isoAt(10) }, isoAt(0))));
      expect(results.flat()).toEqual(['contested']);
    });

    it('takes a lease with a commit and releases it with a later one, only if the commit is written', async () => {
      const { store } = subject;
      const task = taskRecord(1, { state: 'executing' });
      await store.commit(insertOf(task, { lease: a(10) }));
      expect(await store.claimTasks([task.id], b(20), isoAt(5))).toEqual([]);
      // A stale commit changes nothing, its lease included.
      await expect(store.commit({ task: nextRevision(task), expectedRevision: 7, events: [], lease: null })).rejects.toMatchObject({ code: 'stale_revision' });
      expect(await store.claimTasks([task.id], b(20), isoAt(5))).toEqual([]);
      await store.commit({ task: nextRevision(task, { state: 'completed' }), expectedRevision: 1, events: [], lease: null });
      expect(await store.claimTasks([task.id], b(20), isoAt(5))).toEqual([task.id]);
    });

    // Registered for durable backends only (as describeLifecycle's durability tests): on memory it
    // would pass without checking anything.
    if (subject.durable)
      it('keeps leases across a reopen', async () => {
        await subject.store.claimTasks(['t1'], a(10), isoAt(0));
        const reopened = await subject.reopen();
        expect(await reopened.claimTasks(['t1'], b(20), isoAt(5))).toEqual([]);
      });
  });
}
