import { describe, expect, it } from 'vitest';
import type { Approval } from '../../visualizer/src/api/types.ts';
import { orderQueue } from '../../visualizer/src/logic/queue-order.ts';

function approval(id: string, riskLevel: Approval['riskLevel'], expiresAt: string | null, extra: Partial<Approval> = {}): Approval {
  return {
    id, taskId: `t-${id}`, actionType: 'vcs:push', title: id, description: null, requestedBy: 'agent', riskLevel, status: 'pending', requiredApprovals: 1, approvals: [],
    escalationTier: 0, argsHash: 'h', policyVersion: 'p', createdAt: '2026-03-01T09:00:00.000Z', expiresAt, decidedAt: null, decidedBy: null,
    decisionReason: null, onTimeout: 'deny', escalationDeadlines: [], ...extra,
  };
}

describe('orderQueue', () => {
  it('puts the highest risk first, then the nearest deadline, no deadline last', () => {
    const items = [
      approval('low-soon', 'low', '2026-03-01T09:05:00Z'),
      approval('high-late', 'high', '2026-03-01T12:00:00Z'),
      approval('high-never', 'high', null),
      approval('critical-late', 'critical', '2026-03-02T09:00:00Z'),
      approval('high-soon', 'high', '2026-03-01T09:10:00Z'),
      approval('medium', 'medium', '2026-03-01T09:01:00Z'),
    ];
    expect(orderQueue(items).map((a) => a.id)).toEqual(['critical-late', 'high-soon', 'high-late', 'high-never', 'medium', 'low-soon']);
  });

  it('breaks ties by age, then id, so refreshes do not reshuffle; drops what is not pending', () => {
    const items = [
      approval('b', 'high', null, { createdAt: '2026-03-01T09:00:00.000Z' }),
      approval('a', 'high', null, { createdAt: '2026-03-01T09:00:00.000Z' }),
      approval('old', 'high', null, { createdAt: '2026-03-01T08:00:00.000Z' }),
      approval('done', 'critical', null, { status: 'approved' }),
    ];
    expect(orderQueue(items).map((a) => a.id)).toEqual(['old', 'a', 'b']);
    expect(orderQueue([...items].reverse()).map((a) => a.id)).toEqual(['old', 'a', 'b']);
  });
});
