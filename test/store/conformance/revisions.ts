import { describe, expect, it } from 'vitest';
import { DuplicateIdempotencyKeyError, StaleRevisionError, TaskExistsError } from '../../../src/errors.ts';
import type { TaskCommit, TaskRecord } from '../../../src/store/task-record.ts';
import { approvalOf, eventOf, insertOf, nextRevision, taskRecord } from '../fixtures.ts';
import { type StoreSubject, contentsOf, expectRejection } from './harness.ts';

/** Compare-and-set on the task's revision, alone, concurrent, and inside one group commit. */
export function describeRevisions(subject: StoreSubject): void {
  describe('compare-and-set', () => {
    it('commits an update made on the stored revision', async () => {
      const { store } = subject;
      const task = taskRecord(1);
      await store.commit(insertOf(task));
      const second = nextRevision(task, { state: 'awaitingHuman' });
      const third = nextRevision(second, { state: 'parked' });
      await store.commit({ task: second, expectedRevision: 1, events: [] });
      await store.commit({ task: third, expectedRevision: 2, events: [] });
      expect(await store.getTask(task.id)).toStrictEqual(third);
    });

    it('refuses a stale revision with StaleRevisionError and changes nothing', async () => {
      const { store } = subject;
      const task = taskRecord(1);
      const approval = approvalOf(task);
      await store.commit(insertOf(task, { approval }));
      const current = nextRevision(task);
      await store.commit({ task: current, expectedRevision: 1, events: [eventOf(current, 'task.parked')] });
      const before = await contentsOf(store);

      const stale = nextRevision(task, { state: 'cancelled' });
      const decided = approvalOf(task, { status: 'approved', decidedBy: 'bob', decidedAt: stale.updatedAt });
      const commit = { task: stale, expectedRevision: 1, approval: decided, events: [eventOf(stale, 'approval.approved')] };
      await expectRejection(store.commit(commit), StaleRevisionError, 'stale_revision');
      await expectRejection(store.commit({ ...commit, expectedRevision: 3 }), StaleRevisionError, 'stale_revision');

      expect(await store.getTask(task.id)).toStrictEqual(current);
      expect(await store.getApproval(approval.id)).toStrictEqual(approval);
      expect(await contentsOf(store)).toEqual(before);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 2 });
    });

    it('refuses an update of a task that does not exist with StaleRevisionError', async () => {
      const { store } = subject;
      const ghost = nextRevision(taskRecord(1));
      await expectRejection(store.commit({ task: ghost, expectedRevision: 1, events: [eventOf(ghost, 'task.parked')] }), StaleRevisionError, 'stale_revision');
      expect(await store.getTask(ghost.id)).toBeNull();
      expect(await store.lastEventId()).toBe(0);
    });

    it('lets exactly one of N concurrent commits on one revision win', async () => {
      const { store } = subject;
      const task = taskRecord(1);
      await store.commit(insertOf(task));
      const racers = Array.from({ length: 8 }, (_, i) => nextRevision(task, { quarantineReason: `racer ${i}` }));
      const results = await Promise.all(
        racers.map((next) =>
          store.commit({ task: next, expectedRevision: 1, approval: approvalOf(next, { title: `${next.quarantineReason}` }), events: [eventOf(next, 'task.parked')] }).then(
            (receipt) => ({ next, receipt }),
            (error: unknown) => error,
          ),
        ),
      );
      const winners = results.filter((result) => !(result instanceof Error));
      const losers = results.filter((result) => result instanceof Error);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(racers.length - 1);
      for (const error of losers) expect(error).toBeInstanceOf(StaleRevisionError);
      const { next, receipt } = winners[0] as { next: typeof task; receipt: { eventIds: number[] } };
      expect(await store.getTask(task.id)).toStrictEqual(next);
      expect((await store.getApproval(`appr-${task.id}`))?.title).toBe(next.quarantineReason);
      expect(receipt.eventIds).toEqual([2]);
      expect(await store.lastEventId()).toBe(2);
    });
  });

  describe('a batch of commits issued together', () => {
    it('applies them in issue order: a chain of revisions of one task all commit', async () => {
      const { store } = subject;
      const first = taskRecord(1);
      const second = nextRevision(first, { state: 'awaitingHuman' });
      const third = nextRevision(second, { state: 'parked' });
      const receipts = await Promise.all([insertOf(first), updateWith(first, second, 1), updateWith(second, third, 2)].map((change) => store.commit(change)));
      expect(receipts.map((receipt) => receipt.eventIds)).toEqual([[1], [2], [3, 4]]);
      expect(await store.getTask(first.id)).toStrictEqual(third);
    });

    it('writes one group of distinct tasks — new, moved, one stale — in issue order, each with its approval, events and lease', async () => {
      const { store } = subject;
      const moved = taskRecord(1);
      const stale = taskRecord(2);
      const released = taskRecord(3, { state: 'executing' });
      await store.commit(insertOf(moved));
      await store.commit(insertOf(stale));
      await store.commit(insertOf(released, { lease: { owner: 'w1', expiresAt: '2099-01-01T00:00:00.000Z' } }));
      const base = await store.lastEventId();

      const movedNext = nextRevision(moved, { state: 'parked', approvalId: `appr-${moved.id}` });
      const staleNext = nextRevision({ ...stale, revision: 4 }, { title: 'stale' });
      const releasedNext = nextRevision(released, { state: 'completed' });
      const fresh = taskRecord(4, { state: 'executing', idempotencyKey: 'fresh-key' });
      const quiet = taskRecord(5);
      const batch: TaskCommit[] = [
        insertOf(fresh, { events: [eventOf(fresh, 'task.proposed'), eventOf(fresh, 'task.executing')], lease: { owner: 'w1', expiresAt: '2099-01-01T00:00:00.000Z' } }),
        { task: movedNext, expectedRevision: 1, approval: approvalOf(movedNext), events: [eventOf(movedNext, 'approval.submitted')] },
        { task: staleNext, expectedRevision: 4, approval: approvalOf(stale), events: [eventOf(staleNext, 'task.cancelled')], lease: null },
        { task: releasedNext, expectedRevision: 1, events: [eventOf(releasedNext, 'task.completed')], lease: null },
        insertOf(quiet, { events: [] }),
      ];
      const results = await Promise.allSettled(batch.map((change) => store.commit(change)));

      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      const staleError = (results[2] as PromiseRejectedResult).reason;
      expect(staleError).toBeInstanceOf(StaleRevisionError);
      expect(staleError).toMatchObject({ code: 'stale_revision', taskId: stale.id, expected: 4, actual: 1 });
      expect(results.map((result) => (result.status === 'fulfilled' ? result.value.eventIds : null))).toEqual([
        [base + 1, base + 2],
        [base + 3],
        null,
        [base + 4],
        [],
      ]);
      expect(await store.getTask(fresh.id)).toStrictEqual(fresh);
      expect(await store.getTask(moved.id)).toStrictEqual(movedNext);
      expect(await store.getApproval(`appr-${moved.id}`)).toStrictEqual(approvalOf(movedNext));
      expect(await store.getTask(stale.id)).toStrictEqual(stale);
      expect(await store.getApproval(`appr-${stale.id}`)).toBeNull();
      expect(await store.getTask(released.id)).toStrictEqual(releasedNext);
      expect(await store.getTask(quiet.id)).toStrictEqual(quiet);
      expect(await store.findTaskByIdempotencyKey(fresh.agentId, 'fresh-key')).toStrictEqual(fresh);
      const events = await store.readEvents(base, 100);
      expect(events.map((event) => [event.id, event.taskId, event.type])).toEqual([
        [base + 1, fresh.id, 'task.proposed'],
        [base + 2, fresh.id, 'task.executing'],
        [base + 3, moved.id, 'approval.submitted'],
        [base + 4, released.id, 'task.completed'],
      ]);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: base + 4 });
      if (store.shared) {
        // The fresh task's lease was taken; the released task's is gone; the stale commit's release did nothing.
        expect(await store.claimTasks([fresh.id, released.id], { owner: 'w2', expiresAt: '2099-01-02T00:00:00.000Z' }, '2098-01-01T00:00:00.000Z')).toEqual([released.id]);
      }
    });

    it('fails only the commits that fail; the others commit, with gapless event ids', async () => {
      const { store } = subject;
      const a = taskRecord(1);
      const b = taskRecord(2);
      const c = taskRecord(3);
      const keyed = taskRecord(4, { idempotencyKey: 'k' });
      for (const task of [a, b, c, keyed]) await store.commit(insertOf(task));
      const base = await store.lastEventId();

      const aNext = nextRevision(a);
      // Written by someone who believes b is at revision 2; it is at 1.
      const bStale = nextRevision({ ...b, revision: 2 }, { title: 'stale' });
      const cNext = nextRevision(c);
      const fresh = taskRecord(5);
      const batch: TaskCommit[] = [
        updateWith(a, aNext, 2),
        { task: bStale, expectedRevision: 2, approval: approvalOf(b, { status: 'approved' }), events: [eventOf(bStale, 'approval.approved')] },
        updateWith(c, cNext, 1),
        insertOf(taskRecord(1, { title: 'duplicate id' })),
        insertOf(taskRecord(6, { idempotencyKey: 'k' })),
        insertOf(fresh, { approval: approvalOf(fresh), events: [eventOf(fresh, 'task.proposed'), eventOf(fresh, 'approval.submitted')] }),
      ];
      const results = await Promise.allSettled(batch.map((change) => store.commit(change)));

      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
      const reasons = results.map((result) => (result.status === 'rejected' ? result.reason : null));
      expect(reasons[1]).toBeInstanceOf(StaleRevisionError);
      expect(reasons[3]).toBeInstanceOf(TaskExistsError);
      expect(reasons[4]).toBeInstanceOf(DuplicateIdempotencyKeyError);
      const ids = results.flatMap((result) => (result.status === 'fulfilled' ? result.value.eventIds : []));
      expect(ids).toEqual([1, 2, 3, 4, 5].map((i) => base + i));

      expect(await store.getTask(a.id)).toStrictEqual(aNext);
      expect(await store.getTask(b.id)).toStrictEqual(b);
      expect(await store.getApproval(`appr-${b.id}`)).toBeNull();
      expect(await store.getTask(c.id)).toStrictEqual(cNext);
      expect(await store.getTask(fresh.id)).toStrictEqual(fresh);
      expect(await store.getApproval(`appr-${fresh.id}`)).toStrictEqual(approvalOf(fresh));
      expect(await store.getTask(taskRecord(6).id)).toBeNull();
      const events = await store.readEvents(base, 100);
      expect(events.map((event) => [event.id, event.taskId])).toEqual([
        [base + 1, a.id],
        [base + 2, a.id],
        [base + 3, c.id],
        [base + 4, fresh.id],
        [base + 5, fresh.id],
      ]);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: base + 5 });
    });
  });
}

/** An update from `previous` to `next` with `events` events. */
function updateWith(previous: TaskRecord, next: TaskRecord, events: number): TaskCommit {
  return { task: next, expectedRevision: previous.revision, events: Array.from({ length: events }, () => eventOf(next, 'task.evaluated')) };
}
