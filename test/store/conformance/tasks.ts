import { describe, expect, it } from 'vitest';
import { DuplicateIdempotencyKeyError, TaskExistsError } from '../../../src/errors.ts';
import { approvalOf, eventOf, insertOf, isoAt, nextRevision, taskRecord } from '../fixtures.ts';
import { type StoreSubject, contentsOf, expectRejection, partition } from './harness.ts';

/** Inserting and reading tasks; ids and idempotency keys are unique. */
export function describeTaskRecords(subject: StoreSubject): void {
  describe('task records', () => {
    it('inserts a new task and reads it back equal, every field included', async () => {
      const { store } = subject;
      const full = taskRecord(1, { approvalId: 'appr-x', parentTaskId: 'task-0000', idempotencyKey: 'key-1', quarantineReason: 'bad snapshot' });
      const sparse = taskRecord(2, { department: null, riskLevel: null, history: [], state: 'proposed' });
      await store.commit(insertOf(full));
      await store.commit(insertOf(sparse));
      expect(await store.getTask(full.id)).toStrictEqual(full);
      expect(await store.getTask(sparse.id)).toStrictEqual(sparse);
      expect((await store.getTask(full.id))?.envelope).toBe(full.envelope);
    });

    it('returns null for an unknown task', async () => {
      expect(await subject.store.getTask('task-none')).toBeNull();
    });

    it('replaces every changing field of the row on update', async () => {
      const { store } = subject;
      const task = taskRecord(1);
      await store.commit(insertOf(task));
      const next = nextRevision(task, { riskLevel: 'critical', approvalId: 'appr-1', quarantineReason: 'x' });
      await store.commit({ task: next, expectedRevision: 1, events: [] });
      expect(await store.getTask(task.id)).toStrictEqual(next);
    });

    it('keeps what a task is (action, title, agent, department, parent, key, creation) from its insert', async () => {
      const { store } = subject;
      const task = taskRecord(1, { idempotencyKey: 'k-1' });
      await store.commit(insertOf(task));
      const next = nextRevision(task, { state: 'completed' });
      const tampered = { ...next, actionType: 'db:admin', title: 'other', agentId: 'mallory', department: 'x', parentTaskId: 'p', idempotencyKey: 'k-2', createdAt: isoAt(999) };
      await store.commit({ task: tampered, expectedRevision: 1, events: [] });
      expect(await store.getTask(task.id)).toStrictEqual(next);
      expect((await store.findTaskByIdempotencyKey(task.agentId, 'k-1'))?.id).toBe(task.id);
    });

    it('refuses a second insert of the same id with TaskExistsError, changing nothing', async () => {
      const { store } = subject;
      const task = taskRecord(1);
      await store.commit(insertOf(task));
      const before = await contentsOf(store);
      const again = taskRecord(1, { title: 'other', idempotencyKey: 'fresh-key' });
      await expectRejection(store.commit(insertOf(again, { approval: approvalOf(again) })), TaskExistsError, 'task_exists');
      expect(await contentsOf(store)).toEqual(before);
      expect(await store.findTaskByIdempotencyKey(again.agentId, 'fresh-key')).toBeNull();
    });

    it('lets exactly one of several concurrent inserts of one id win', async () => {
      const { store } = subject;
      const attempts = [1, 2, 3, 4, 5].map((i) => taskRecord(1, { title: `attempt ${i}` }));
      const { fulfilled, rejected } = partition(await Promise.allSettled(attempts.map((task) => store.commit(insertOf(task)))));
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(4);
      for (const error of rejected) expect(error).toBeInstanceOf(TaskExistsError);
      expect(await store.lastEventId()).toBe(1);
      expect(attempts.map((task) => task.title)).toContain((await store.getTask(attempts[0]!.id))?.title);
    });
  });

  describe('idempotency keys', () => {
    it('refuses the same agent and key with DuplicateIdempotencyKeyError naming the holder', async () => {
      const { store } = subject;
      const first = taskRecord(1, { idempotencyKey: 'k' });
      await store.commit(insertOf(first));
      const before = await contentsOf(store);
      const second = taskRecord(2, { idempotencyKey: 'k' });
      const error = await expectRejection(
        store.commit(insertOf(second, { approval: approvalOf(second) })),
        DuplicateIdempotencyKeyError,
        'duplicate_idempotency_key',
      );
      expect(error.existingTaskId).toBe(first.id);
      expect(await store.getTask(second.id)).toBeNull();
      expect(await contentsOf(store)).toEqual(before);
    });

    it('accepts the same key from another agent, and any number of tasks without a key', async () => {
      const { store } = subject;
      await store.commit(insertOf(taskRecord(1, { idempotencyKey: 'k' })));
      await store.commit(insertOf(taskRecord(2, { idempotencyKey: 'k', agentId: 'agent-2' })));
      await store.commit(insertOf(taskRecord(3)));
      await store.commit(insertOf(taskRecord(4)));
      expect((await store.listTasks({ limit: 10 })).items).toHaveLength(4);
    });

    it('finds a task by agent and key, and only by that pair', async () => {
      const { store } = subject;
      const mine = taskRecord(1, { idempotencyKey: 'k' });
      const theirs = taskRecord(2, { idempotencyKey: 'k', agentId: 'agent-2' });
      await store.commit(insertOf(mine));
      await store.commit(insertOf(theirs));
      expect(await store.findTaskByIdempotencyKey('agent-1', 'k')).toStrictEqual(mine);
      expect(await store.findTaskByIdempotencyKey('agent-2', 'k')).toStrictEqual(theirs);
      expect(await store.findTaskByIdempotencyKey('agent-1', 'other')).toBeNull();
      expect(await store.findTaskByIdempotencyKey('agent-3', 'k')).toBeNull();
    });

    it('keeps the key after updates, and returns the current revision', async () => {
      const { store } = subject;
      const task = taskRecord(1, { idempotencyKey: 'k' });
      await store.commit(insertOf(task));
      const next = nextRevision(task);
      await store.commit({ task: next, expectedRevision: 1, events: [eventOf(next, 'task.parked')] });
      expect(await store.findTaskByIdempotencyKey('agent-1', 'k')).toStrictEqual(next);
      await expectRejection(store.commit(insertOf(taskRecord(2, { idempotencyKey: 'k' }))), DuplicateIdempotencyKeyError, 'duplicate_idempotency_key');
    });

    it('lets exactly one of several concurrent inserts with one key win', async () => {
      const { store } = subject;
      const attempts = [1, 2, 3, 4].map((n) => taskRecord(n, { idempotencyKey: 'k' }));
      const results = await Promise.allSettled(attempts.map((task) => store.commit(insertOf(task))));
      const { fulfilled, rejected } = partition(results);
      expect(fulfilled).toHaveLength(1);
      const winner = attempts[results.findIndex((result) => result.status === 'fulfilled')]!;
      for (const error of rejected) {
        expect(error).toBeInstanceOf(DuplicateIdempotencyKeyError);
        expect((error as DuplicateIdempotencyKeyError).existingTaskId).toBe(winner.id);
      }
      expect((await store.findTaskByIdempotencyKey('agent-1', 'k'))?.id).toBe(winner.id);
      expect((await store.listTasks({ limit: 10 })).items.map((task) => task.id)).toEqual([winner.id]);
    });
  });
}
