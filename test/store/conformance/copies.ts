import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/model/json.ts';
import { approvalOf, eventOf, insertOf, taskRecord } from '../fixtures.ts';
import { type StoreSubject, contentsOf } from './harness.ts';

/** Callers never share objects with the store, in either direction. */
export function describeCopies(subject: StoreSubject): void {
  describe('records are copies', () => {
    it('returns copies: mutating what a read returned changes nothing stored', async () => {
      const { store } = subject;
      const task = taskRecord(1, { idempotencyKey: 'k' });
      const approval = approvalOf(task);
      await store.commit(insertOf(task, { approval }));
      const before = await contentsOf(store);

      const read = (await store.getTask(task.id))!;
      read.title = 'changed';
      read.history[0]!.event = 'CHANGED';
      read.history.push({ at: task.createdAt, from: 'evaluating', to: 'denied', event: 'X' });
      const found = (await store.findTaskByIdempotencyKey(task.agentId, 'k'))!;
      found.state = 'completed';
      found.history.length = 0;
      const listed = (await store.listTasks({ limit: 10 })).items[0]!;
      listed.revision = 99;
      listed.history[1]!.to = 'failed';
      (await store.listTasksInStates([task.state], 10))[0]!.history.pop();

      const gotApproval = (await store.getApproval(approval.id))!;
      gotApproval.status = 'approved';
      gotApproval.approvals[0]!.by = 'mallory';
      gotApproval.escalationDeadlines.push('never');
      const both = (await store.getApprovalWithTask(approval.id))!;
      both.approval.approvals.push({ by: 'mallory', at: task.createdAt });
      both.task!.history.length = 0;
      both.task!.state = 'completed';
      const listedApproval = (await store.listApprovals({ offset: 0, limit: 10 })).items[0]!;
      listedApproval.approvals.push({ by: 'mallory', at: task.createdAt });
      (await store.listDueApprovals('9999', 10))[0]!.escalationDeadlines.length = 0;

      const event = (await store.readEvents(0, 10))[0]!;
      ((event.data as JsonObject).detail as JsonObject).revision = 42;
      event.type = 'task.failed';
      const entry = (await store.readAudit({}))[0]!;
      ((entry.data as JsonObject).detail as JsonObject).tags = [];
      entry.hash = 'forged';

      expect(await contentsOf(store)).toEqual(before);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 1 });
    });

    it('copies in: mutating a committed record afterwards changes nothing stored', async () => {
      const { store } = subject;
      const task = taskRecord(1);
      const approval = approvalOf(task);
      const event = eventOf(task, 'task.proposed');
      await store.commit({ task, expectedRevision: null, approval, events: [event] });
      const before = await contentsOf(store);

      task.title = 'changed';
      task.history[0]!.event = 'CHANGED';
      task.history.push({ at: task.createdAt, from: 'evaluating', to: 'denied', event: 'X' });
      approval.status = 'rejected';
      approval.approvals[0]!.by = 'mallory';
      approval.escalationDeadlines.push('never');
      ((event.data as JsonObject).detail as JsonObject).revision = 42;
      (((event.data as JsonObject).detail as JsonObject).tags as string[]).push('c');
      event.actor = 'mallory';

      expect(await contentsOf(store)).toEqual(before);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 1 });
    });
  });
}
