import type { Approval } from '../../../visualizer/src/api/types.ts';

/**
 * The pending approval of `parkedTask()` (task `t-1`, a high-risk `vcs:push` asked by `agent-1`)
 * as the API shows it, with `overrides` applied.
 * @example pendingApproval({ riskLevel: 'critical', requiredApprovals: 2 })
 */
export function pendingApproval(overrides: Partial<Approval> = {}): Approval {
  return {
    id: 'a-1',
    taskId: 't-1',
    actionType: 'vcs:push',
    title: 'Push the release',
    description: null,
    requestedBy: 'agent-1',
    riskLevel: 'high',
    status: 'pending',
    requiredApprovals: 1,
    approvals: [],
    escalationTier: 0,
    argsHash: 'hash-1',
    policyVersion: 'p1',
    createdAt: '2025-01-01T00:00:00.000Z',
    expiresAt: '2025-01-01T04:00:00.000Z',
    decidedAt: null,
    decidedBy: null,
    decisionReason: null,
    onTimeout: 'deny',
    escalationDeadlines: [],
    ...overrides,
  };
}
