import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { parsePolicy } from '../../src/policy/load-policy.ts';
import { planDeadlines } from '../../src/policy/timeouts.ts';

// README "Policy and autonomy" documents the timeout rules (found undocumented by the policy trial): its claims, checked.
describe('timeout rules as the README documents them', () => {
  const withTimeouts = (timeouts: unknown) => parsePolicy({ ...structuredClone(DEFAULT_POLICY), timeouts });
  const escalate = { kind: 'escalate', tiers: [{ afterSeconds: 1800, label: 'team lead' }, { afterSeconds: 3600, label: 'director' }], onExhausted: 'approve' };

  it('each tier counts from the one before; the last applies onExhausted (approve for low and medium only)', () => {
    const policy = withTimeouts({ low: escalate, medium: { kind: 'wait' }, high: { kind: 'deny', afterSeconds: 7200 }, critical: { kind: 'wait' } });
    const plan = planDeadlines(policy, 'low', Date.parse('2026-01-01T00:00:00Z'));
    expect(plan).toEqual({ expiresAt: '2026-01-01T00:30:00.000Z', onTimeout: 'escalate', escalationDeadlines: ['2026-01-01T01:30:00.000Z'], onEscalationExhausted: 'approve' });
    expect(planDeadlines(policy, 'medium', 0)).toMatchObject({ expiresAt: null, onTimeout: 'wait' });
  });

  it('refuses an approval by the clock for high or critical, and seconds outside 1 s … 365 days', () => {
    const base = { low: { kind: 'approve', afterSeconds: 60 }, medium: escalate, high: escalate, critical: { kind: 'approve', afterSeconds: 60 } };
    expect(() => withTimeouts(base)).toThrow(/timeouts\.critical\.kind: auto-approve on timeout is never allowed.*|timeouts\.high\.onExhausted/s);
    expect(() => withTimeouts({ ...base, high: { kind: 'deny', afterSeconds: 0 }, critical: { kind: 'deny', afterSeconds: 365 * 24 * 3600 + 1 } })).toThrow(/timeouts\.high\.afterSeconds.*timeouts\.critical\.afterSeconds/s);
  });
});
