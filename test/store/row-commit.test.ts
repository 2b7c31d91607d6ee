import { describe, expect, it } from 'vitest';
import { approvalToRow, taskToRow, toRowCommit } from '../../src/store/row-commit.ts';
import { approvalFromRow, taskFromRow } from '../../src/store/sqlite-rows.ts';
import { approvalOf, eventOf, taskRecord } from './fixtures.ts';

describe('a task commit as the rows the SQLite store writes (what crosses to the writer thread)', () => {
  it('reads back as the task and the approval it was made of', () => {
    const task = taskRecord(1, { idempotencyKey: 'k', department: 'ops' });
    const approval = approvalOf(task);
    expect(taskFromRow(taskToRow(task))).toStrictEqual(task);
    expect(approvalFromRow(approvalToRow(approval))).toStrictEqual(approval);
  });

  it('carries the revision, the lease (taken, released or untouched) and the events as they are', () => {
    const task = taskRecord(2);
    const events = [eventOf(task, 'task.proposed')];
    const lease = { owner: 'worker-a', expiresAt: task.createdAt };
    expect(toRowCommit({ task, expectedRevision: 3, events, lease })).toStrictEqual({ task: taskToRow(task), expectedRevision: 3, events, lease });
    expect(toRowCommit({ task, expectedRevision: null, events, lease: null }).lease).toBeNull();
    const untouched = toRowCommit({ task, expectedRevision: null, events, approval: approvalOf(task) });
    expect('lease' in untouched).toBe(false);
    expect(untouched.approval).toStrictEqual(approvalToRow(approvalOf(task)));
    // Nothing but text and numbers crosses for the task and its approval: no object graph to clone.
    expect(Object.values(untouched.task).every((value) => value === null || typeof value !== 'object')).toBe(true);
    expect(Object.values(untouched.approval ?? {}).every((value) => value === null || typeof value !== 'object')).toBe(true);
  });
});
