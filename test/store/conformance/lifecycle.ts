import { describe, expect, it } from 'vitest';
import { ClosedError } from '../../../src/errors.ts';
import type { Store } from '../../../src/store/store.ts';
import { approvalOf, eventOf, insertOf, isoAt, nextRevision, taskRecord } from '../fixtures.ts';
import { type StoreSubject, contentsOf, expectRejection } from './harness.ts';

/** A store's operations: its methods but close, and watchJournal (optional, a subscription, not a call that answers). */
type Operation = Exclude<keyof Store, 'kind' | 'shared' | 'close' | 'watchJournal'>;

/**
 * Every operation of a store, each called once. A Record over Store's methods, so a method added
 * to Store without a line here does not compile (the test says "every").
 */
function everyOperation(store: Store): Array<[string, () => Promise<unknown>]> {
  const task = taskRecord(9);
  const lease = { owner: 'worker-a', expiresAt: isoAt(10) };
  const operations: Record<Operation, () => Promise<unknown>> = {
    commit: () => store.commit(insertOf(task)),
    getTask: () => store.getTask(task.id),
    findTaskByIdempotencyKey: () => store.findTaskByIdempotencyKey('agent-1', 'k'),
    listTasks: () => store.listTasks({ limit: 10 }),
    listTasksInStates: () => store.listTasksInStates(['parked'], 10),
    listReroutesWithoutAlternative: () => store.listReroutesWithoutAlternative(10),
    getApproval: () => store.getApproval('appr-1'),
    getApprovalWithTask: () => store.getApprovalWithTask('appr-1'),
    listApprovals: () => store.listApprovals({ offset: 0, limit: 10 }),
    listDueApprovals: () => store.listDueApprovals(task.createdAt, 10),
    pendingApprovalSummary: () => store.pendingApprovalSummary(),
    setAutonomy: () =>
      store.setAutonomy({ scope: 'agent', subject: 'agent-1', level: 'supervised', previous: 'semi', reason: 'closed', setBy: 'system', setAt: isoAt(5), cause: 'error_rate' }),
    listAutonomy: () => store.listAutonomy(),
    claimTasks: () => store.claimTasks([task.id], lease, isoAt(0)),
    renewLeases: () => store.renewLeases([task.id], lease),
    readEvents: () => store.readEvents(0, 10),
    lastEventId: () => store.lastEventId(),
    readAudit: () => store.readAudit({}),
    verifyAudit: () => store.verifyAudit(),
  };
  return Object.entries(operations);
}

/** Closing, and (for durable backends) surviving a reopen. */
export function describeLifecycle(subject: StoreSubject): void {
  describe('close', () => {
    it('is idempotent', async () => {
      await subject.store.commit(insertOf(taskRecord(1)));
      await subject.store.close();
      await expect(subject.store.close()).resolves.toBeUndefined();
    });

    it('rejects every operation afterwards with ClosedError (store_closed)', async () => {
      const { store } = subject;
      await store.close();
      for (const [name, operation] of everyOperation(store)) {
        const result = await operation().then(
          () => 'resolved',
          (error: unknown) => error,
        );
        expect(result, name).toBeInstanceOf(ClosedError);
        expect((result as ClosedError).code, name).toBe('store_closed');
      }
    });

    it('completes commits issued before it', async () => {
      const { store } = subject;
      const task = taskRecord(1);
      const pending = store.commit(insertOf(task));
      await store.close();
      await expect(pending).resolves.toEqual({ eventIds: [1] });
      await expectRejection(store.commit(insertOf(taskRecord(2))), ClosedError, 'store_closed');
      if (subject.durable) {
        const reopened = await subject.reopen();
        expect(await reopened.getTask(task.id)).toStrictEqual(task);
      }
    });
  });

  if (!subject.durable) return;

  describe('durability', () => {
    it('keeps tasks, approvals, idempotency keys and the journal across a reopen', async () => {
      const task = taskRecord(1, { idempotencyKey: 'k' });
      await subject.store.commit(insertOf(task, { approval: approvalOf(task) }));
      const parked = nextRevision(task);
      await subject.store.commit({ task: parked, expectedRevision: 1, events: [eventOf(parked, 'task.parked')] });
      const before = await contentsOf(subject.store);

      const store = await subject.reopen();
      expect(await contentsOf(store)).toEqual(before);
      expect(await store.getTask(task.id)).toStrictEqual(parked);
      expect(await store.getApproval(`appr-${task.id}`)).toStrictEqual(approvalOf(task));
      expect(await store.findTaskByIdempotencyKey('agent-1', 'k')).toStrictEqual(parked);
      expect(await store.listDueApprovals('9999', 10)).toHaveLength(1);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 2 });
    });

    it('keeps enforcing revisions and keys after a reopen', async () => {
      const task = taskRecord(1, { idempotencyKey: 'k' });
      await subject.store.commit(insertOf(task));
      const store = await subject.reopen();
      await expect(store.commit(insertOf(taskRecord(1)))).rejects.toMatchObject({ code: 'task_exists' });
      await expect(store.commit(insertOf(taskRecord(2, { idempotencyKey: 'k' })))).rejects.toMatchObject({
        code: 'duplicate_idempotency_key',
        existingTaskId: task.id,
      });
      await expect(store.commit({ task: nextRevision(task), expectedRevision: 2, events: [] })).rejects.toMatchObject({ code: 'stale_revision' });
      await expect(store.commit({ task: nextRevision(task), expectedRevision: 1, events: [] })).resolves.toEqual({ eventIds: [] });
    });

    it('continues event ids and the audit chain after a reopen', async () => {
      const first = taskRecord(1);
      await subject.store.commit(insertOf(first, { events: [eventOf(first, 'task.proposed'), eventOf(first, 'task.evaluated')] }));
      const lastHash = (await subject.store.readAudit({})).at(-1)?.hash;

      const store = await subject.reopen();
      expect(await store.lastEventId()).toBe(2);
      const second = taskRecord(2);
      expect(await store.commit(insertOf(second))).toEqual({ eventIds: [3] });
      expect((await store.readEvents(0, 10)).map((event) => event.id)).toEqual([1, 2, 3]);
      const [entry] = await store.readAudit({ afterSeq: 2 });
      expect(entry?.prevHash).toBe(lastHash);

      const again = await subject.reopen();
      expect(await again.lastEventId()).toBe(3);
      expect(await again.verifyAudit()).toMatchObject({ ok: true, entries: 3 });
    });
  });
}
