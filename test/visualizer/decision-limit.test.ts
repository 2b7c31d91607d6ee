import { describe, expect, it } from 'vitest';
import { aboveLimitSentence, cardRefusal, decisionLimit, votedSentence } from '../../visualizer/src/logic/decision-limit.ts';

describe('what a signed-in principal may decide in the queue', () => {
  it('admins anything, approvers up to maxRisk (high by default), others nothing', () => {
    expect(decisionLimit({ id: 'root', roles: ['admin'] })).toBe('critical');
    expect(decisionLimit({ id: 'carol', roles: ['approver'] })).toBe('high');
    expect(decisionLimit({ id: 'dan', roles: ['approver'], maxRisk: 'medium' })).toBe('medium');
    expect(decisionLimit({ id: 'bot', roles: ['agent'] })).toBeNull();
    expect(decisionLimit({ id: 'viewer', roles: ['observer'] })).toBeNull();
    expect(decisionLimit(null)).toBeNull();
    expect(decisionLimit({ id: 'ops-admin', roles: ['admin'], maxRisk: 'high' })).toBe('high');
  });

  it('refuses a card at once for no deciding role, one\'s own request, or a risk above the limit', () => {
    const carol = { id: 'carol', roles: ['approver' as const] };
    expect(cardRefusal({ requestedBy: 'agent-1', riskLevel: 'high' }, carol)).toBeNull();
    expect(cardRefusal({ requestedBy: 'agent-1', riskLevel: 'critical' }, carol)?.sentence).toMatch(/critical-risk action and your role decides up to high/);
    expect(cardRefusal({ requestedBy: 'carol', riskLevel: 'low' }, carol)).toEqual({
      reason: 'You requested this action, so someone else must decide on it.',
      sentence: 'You requested this action, so someone else must decide on it.',
    });
    // An id that reads as theirs is theirs, as the server judges it (self_approval): Carol's request, a Cyrillic с.
    for (const alike of ['Carol', '\u0441arol', ' carol']) expect(cardRefusal({ requestedBy: alike, riskLevel: 'low' }, carol)?.sentence).toMatch(/You requested this action/);
    expect(votedSentence({ approvals: [{ by: 'Carol' }], requiredApprovals: 2 }, carol)).toMatch(/^You approved/);
    // No deciding role: buttons off, and the queue says why once (no sentence on every card).
    expect(cardRefusal({ requestedBy: 'agent-1', riskLevel: 'low' }, { id: 'bot', roles: ['agent'] })).toEqual({ reason: 'Deciding needs the approver or admin role.', sentence: null });
    expect(cardRefusal({ requestedBy: 'agent-1', riskLevel: 'low' }, null)).toBeNull();
  });

  it('names the limit on cards above it, and nothing on the others', () => {
    const carol = { id: 'carol', roles: ['approver' as const] };
    expect(aboveLimitSentence('critical', carol)).toBe('This is a critical-risk action and your role decides up to high risk. Ask an approver with a higher limit.');
    expect(aboveLimitSentence('high', carol)).toBeNull();
    expect(aboveLimitSentence('critical', { id: 'root', roles: ['admin' as const] })).toBeNull();
    // No deciding role: the queue says that once, not on every card.
    expect(aboveLimitSentence('critical', { id: 'viewer', roles: ['observer' as const] })).toBeNull();
  });

  it('says up front that the principal\'s own vote is in and what it waits for (a second approve is refused as already_voted)', () => {
    const alice = { id: 'alice', roles: ['approver' as const], maxRisk: 'critical' as const };
    expect(votedSentence({ approvals: [{ by: 'alice' }], requiredApprovals: 2 }, alice)).toBe('You approved (1 of 2); waiting for another approver.');
    expect(votedSentence({ approvals: [{ by: 'alice' }], requiredApprovals: 3 }, alice)).toBe('You approved (1 of 3); waiting for 2 more approvers.');
    expect(votedSentence({ approvals: [{ by: 'bob' }], requiredApprovals: 2 }, alice)).toBeNull();
    expect(votedSentence({ approvals: [], requiredApprovals: 1 }, alice)).toBeNull();
    expect(votedSentence({ approvals: [{ by: 'alice' }], requiredApprovals: 2 }, null)).toBeNull();
  });
});
