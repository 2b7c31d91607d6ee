import { describe, expect, it } from 'vitest';
import { aboveLimitSentence, decisionLimit } from '../../visualizer/src/logic/decision-limit.ts';

describe('what a signed-in principal may decide in the queue', () => {
  it('admins anything, approvers up to maxRisk (high by default), others nothing', () => {
    expect(decisionLimit({ id: 'root', roles: ['admin'] })).toBe('critical');
    expect(decisionLimit({ id: 'carol', roles: ['approver'] })).toBe('high');
    expect(decisionLimit({ id: 'dan', roles: ['approver'], maxRisk: 'medium' })).toBe('medium');
    expect(decisionLimit({ id: 'bot', roles: ['agent'] })).toBeNull();
    expect(decisionLimit({ id: 'viewer', roles: ['observer'] })).toBeNull();
    expect(decisionLimit(null)).toBeNull();
  });

  it('names the limit on cards above it, and nothing on the others', () => {
    const carol = { id: 'carol', roles: ['approver' as const] };
    expect(aboveLimitSentence('critical', carol)).toBe('This is a critical-risk action and your role decides up to high risk. Ask an approver with a higher limit.');
    expect(aboveLimitSentence('high', carol)).toBeNull();
    expect(aboveLimitSentence('critical', { id: 'root', roles: ['admin' as const] })).toBeNull();
    // No deciding role: the queue says that once, not on every card.
    expect(aboveLimitSentence('critical', { id: 'viewer', roles: ['observer' as const] })).toBeNull();
  });
});
