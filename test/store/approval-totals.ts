import { expect } from 'vitest';
import type { Approval } from '../../src/model/approval.ts';
import type { ApprovalQuery, Store } from '../../src/store/store.ts';
import { approvalOf, insertOf, nextRevision, taskRecord } from './fixtures.ts';

/** Approvals of several statuses, risks and action types: what the count tests store. */
export const SEED: Array<Partial<Approval>> = [
  { status: 'pending', riskLevel: 'high', actionType: 'vcs:push' },
  { status: 'pending', riskLevel: 'high', actionType: 'vcs:push' },
  { status: 'approved', riskLevel: 'high', actionType: 'vcs:push' },
  { status: 'pending', riskLevel: 'critical', actionType: 'deploy:production' },
  { status: 'rejected', riskLevel: 'medium', actionType: 'code:write' },
  { status: 'expired', riskLevel: 'high', actionType: 'deploy:production' },
];

export const FILTERS: Array<Partial<ApprovalQuery>> = [
  {},
  { status: 'pending' },
  { status: 'approved' },
  { status: 'cancelled' },
  { riskLevel: 'high' },
  { actionType: 'deploy:production' },
  { status: 'pending', riskLevel: 'high' },
  { status: 'pending', riskLevel: 'critical', actionType: 'deploy:production' },
];

/** The total the store reports for each filter, against a count of the listed items. */
export async function totalsAgree(store: Store): Promise<void> {
  const all = (await store.listApprovals({ offset: 0, limit: 1_000 })).items;
  for (const filter of FILTERS) {
    const expected = all.filter(
      (a) =>
        (filter.status === undefined || a.status === filter.status) &&
        (filter.riskLevel === undefined || a.riskLevel === filter.riskLevel) &&
        (filter.actionType === undefined || a.actionType === filter.actionType),
    ).length;
    expect((await store.listApprovals({ ...filter, offset: 0, limit: 1 })).total, JSON.stringify(filter)).toBe(expected);
  }
}

/** Stores one task with its approval for each of {@link SEED}. */
export async function seedApprovals(store: Store): Promise<void> {
  for (const [index, overrides] of SEED.entries()) {
    const task = taskRecord(index + 1);
    await store.commit(insertOf(task, { approval: approvalOf(task, overrides) }));
  }
}

/**
 * Seeds, then moves one approval through the upserts a decision makes — pending → cancelled,
 * then the same status with another field changed (which moves no count) — checking every total
 * after each. Returns that approval, for a test that deletes it next.
 */
export async function exerciseApprovalTotals(store: Store): Promise<Approval> {
  await seedApprovals(store);
  await totalsAgree(store);
  const task = taskRecord(1);
  const approval = approvalOf(task, SEED[0]);
  await store.commit({ task: nextRevision(task), expectedRevision: 1, approval: { ...approval, status: 'cancelled' }, events: [] });
  await store.commit({ task: nextRevision(nextRevision(task)), expectedRevision: 2, approval: { ...approval, status: 'cancelled', title: 'retitled' }, events: [] });
  await totalsAgree(store);
  expect((await store.listApprovals({ status: 'cancelled', offset: 0, limit: 1 })).total).toBe(1);
  return approval;
}
