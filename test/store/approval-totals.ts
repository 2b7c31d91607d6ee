import { expect } from 'vitest';
import type { Approval } from '../../src/model/approval.ts';
import type { ApprovalQuery, Store } from '../../src/store/store.ts';

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
