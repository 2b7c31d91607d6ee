import { describe, expect, it } from 'vitest';
import { hasCode } from '../../src/errors.ts';
import { assertMayDecide } from '../../src/engine/authorize.ts';
import type { Approval } from '../../src/model/approval.ts';
import type { Principal } from '../../src/model/principal.ts';

/** The fields assertMayDecide reads; the rest of an approval plays no part. */
const approval = (): Approval =>
  ({ id: 'ap-1', taskId: 't-1', requestedBy: 'deploy-bot', riskLevel: 'high', status: 'pending', requiredApprovals: 2, approvals: [] }) as unknown as Approval;

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return hasCode(error, 'self_approval') ? 'self_approval' : hasCode(error, 'already_voted') ? 'already_voted' : String(error);
  }
}

describe('assertMayDecide: one identity, however its id is spelt', () => {
  // Found by the decisions security trial: an id differing only in case, look-alike letters,
  // spaces or invisible characters from the requester's (or a voter's) passed as someone else.
  const approver = (id: string): Principal => ({ id, roles: ['approver'], maxRisk: 'critical' });

  it('refuses self-approval by an id that reads as the requester (self_approval)', () => {
    for (const id of ['Deploy-Bot', 'deploy-bot ', 'deploy\u200b-bot', 'dеploy-bot' /* Cyrillic е */, 'ｄｅｐｌｏｙ-ｂｏｔ']) {
      expect(codeOf(() => assertMayDecide(approval(), { kind: 'approve' }, approver(id)))).toBe('self_approval');
    }
  });

  it('refuses a second vote by an id that reads as an earlier voter (already_voted)', () => {
    const voted = { ...approval(), approvals: [{ by: 'alice', at: '2026-01-01T00:00:00.000Z' }] } as Approval;
    for (const id of ['Alice', 'ALICE', '\u0430lice', ' alice']) {
      expect(codeOf(() => assertMayDecide(voted, { kind: 'approve' }, approver(id)))).toBe('already_voted');
    }
    expect(codeOf(() => assertMayDecide(voted, { kind: 'approve' }, approver('bob')))).toBeUndefined();
  });
});
