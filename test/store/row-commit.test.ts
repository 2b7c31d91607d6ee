import { describe, expect, it } from 'vitest';
import { packCommits, unpackCommits } from '../../src/store/packed-commits.ts';
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

describe('task commits packed for the writer thread (one flat array)', () => {
  it('unpack to exactly the rows toRowCommit makes: leases taken, released, untouched; with and without approval and events', () => {
    const a = taskRecord(1, { idempotencyKey: 'k', department: 'ops', quarantineReason: null });
    const b = taskRecord(2);
    const c = taskRecord(3, { parentTaskId: taskRecord(1).id });
    const withApproval = { ...eventOf(a, 'approval.approved'), approvalId: approvalOf(a).id, data: { votes: 1, requiredApprovals: 1 } };
    const changes = [
      { task: a, expectedRevision: 3, events: [withApproval, eventOf(a, 'task.resumed')], approval: approvalOf(a), lease: { owner: 'w', expiresAt: a.createdAt } },
      { task: b, expectedRevision: null, events: [], lease: null },
      { task: c, expectedRevision: 7, events: [eventOf(c, 'task.parked')] },
    ];
    const packed = packCommits(changes);
    // What crosses the thread: text, numbers, null, undefined, and events' small data objects.
    expect(packed.filter((value) => value !== null && typeof value === 'object')).toStrictEqual(
      changes.flatMap((change) => change.events.flatMap((event) => (event.data === undefined ? [] : [event.data]))),
    );
    expect(unpackCommits(structuredClone(packed))).toStrictEqual(changes.map(toRowCommit));
  });

  it('refuses an array that is not whole packed commits', () => {
    const packed = packCommits([{ task: taskRecord(4), expectedRevision: 1, events: [eventOf(taskRecord(4), 'task.parked')] }]);
    expect(() => unpackCommits(packed.slice(0, -3))).toThrow(/bad event count/);
    expect(() => unpackCommits([...packed.slice(0, 17), 9])).toThrow(/bad lease tag/);
    expect(unpackCommits([])).toEqual([]);
  });
});
