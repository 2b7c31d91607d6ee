import type { Principal } from '../src/model/principal.ts';
import type { Proposal } from '../src/model/proposal.ts';

/**
 * The two proposals every benchmark submits, shared so that Tollgate and its peers judge the
 * very same actions with the very same arguments.
 */

/** Who approves parked tasks in the benchmarks. */
export const BENCH_APPROVER: Principal = { id: 'bench-approver', roles: ['approver'], maxRisk: 'critical' };

/**
 * Low risk at semi autonomy: allowed, executed at once.
 * @example autoProposal(7).actionType // 'code:read'
 */
export const autoProposal = (i: number): Proposal => ({
  actionType: 'code:read',
  title: 'read a file',
  args: { path: `src/module-${i % 100}.ts` },
  agentId: 'bench-agent',
});

/**
 * High risk at semi autonomy: parked for one approval.
 * @example parkProposal(7).actionType // 'vcs:push'
 */
export const parkProposal = (i: number): Proposal => ({
  actionType: 'vcs:push',
  title: 'push a branch',
  args: { remote: 'origin', branch: `feature/${i % 1000}` },
  agentId: 'bench-agent',
});
