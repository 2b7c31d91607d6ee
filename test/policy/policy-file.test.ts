import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ValidationError } from '../../src/errors.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { loadPolicyFile, parsePolicy, policyVersion } from '../../src/policy/load-policy.ts';
import { planDeadlines } from '../../src/policy/timeouts.ts';

describe('policy files', () => {
  it('accepts the default policy and versions it by content', () => {
    expect(parsePolicy(JSON.parse(JSON.stringify(DEFAULT_POLICY)))).toEqual(DEFAULT_POLICY);
    expect(policyVersion(DEFAULT_POLICY)).toBe(policyVersion(JSON.parse(JSON.stringify(DEFAULT_POLICY))));
    expect(policyVersion({ ...DEFAULT_POLICY, hardDeny: ['org:fire'] })).not.toBe(policyVersion(DEFAULT_POLICY));
  });

  it('reports errors with their JSON path', () => {
    const broken = JSON.parse(JSON.stringify(DEFAULT_POLICY));
    broken.decisionTable.high.semi = { outcome: 'human', requiredApprovals: 0 };
    expect(() => parsePolicy(broken)).toThrow(/decisionTable\.high\.semi\.requiredApprovals/);
    const missing = JSON.parse(JSON.stringify(DEFAULT_POLICY));
    delete missing.decisionTable.low.locked;
    expect(() => parsePolicy(missing)).toThrow(/decisionTable\.low\.locked/);
    const unsafe = JSON.parse(JSON.stringify(DEFAULT_POLICY));
    unsafe.timeouts.critical = { kind: 'approve', afterSeconds: 60 };
    expect(() => parsePolicy(unsafe)).toThrow(/timeouts\.critical\.kind: auto-approve on timeout is never allowed/);
    const badType = JSON.parse(JSON.stringify(DEFAULT_POLICY));
    badType.actions['Not A Type'] = 'low';
    expect(() => parsePolicy(badType)).toThrow(/actions/);
  });

  it('refuses a decision table that loosens as autonomy drops (autonomy only ever tightens)', () => {
    const loose = JSON.parse(JSON.stringify(DEFAULT_POLICY));
    loose.decisionTable.high.locked = { outcome: 'auto' };
    expect(() => parsePolicy(loose)).toThrow(/decisionTable\.high\.locked: less strict than at supervised autonomy/);
    const fewer = JSON.parse(JSON.stringify(DEFAULT_POLICY));
    fewer.decisionTable.critical.supervised = { outcome: 'human', requiredApprovals: 1 };
    expect(() => parsePolicy(fewer)).toThrow(/decisionTable\.critical\.supervised/);
    const stricter = JSON.parse(JSON.stringify(DEFAULT_POLICY));
    stricter.decisionTable.low.locked = { outcome: 'deny' };
    stricter.decisionTable.medium.supervised = { outcome: 'human', requiredApprovals: 3 };
    stricter.decisionTable.medium.locked = { outcome: 'deny' };
    expect(parsePolicy(stricter).decisionTable.medium.locked).toEqual({ outcome: 'deny' });
  });

  it('lists every problem with its path', () => {
    const broken = JSON.parse(JSON.stringify(DEFAULT_POLICY));
    broken.timeouts.high = { kind: 'approve', afterSeconds: 60 };
    broken.timeouts.critical = { kind: 'escalate', tiers: [{ afterSeconds: 60 }], onExhausted: 'approve' };
    try {
      parsePolicy(broken);
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).code).toBe('validation_failed');
      expect((error as ValidationError).issues).toEqual([
        { path: 'timeouts.high.kind', message: 'auto-approve on timeout is never allowed for high risk' },
        { path: 'timeouts.critical.onExhausted', message: 'approve when escalation is exhausted is never allowed for critical risk' },
      ]);
    }
  });

  it('reports the cross-field rules beside structural mistakes elsewhere, in one pass', () => {
    const broken = JSON.parse(JSON.stringify(DEFAULT_POLICY));
    broken.hardDeny = ['NOT VALID'];
    broken.decisionTable.high.locked = { outcome: 'auto' };
    broken.timeouts.critical = { kind: 'approve', afterSeconds: 60 };
    try {
      parsePolicy(broken);
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).issues.map((issue) => issue.path).sort()).toEqual(['decisionTable.high.locked', 'hardDeny.0', 'timeouts.critical.kind']);
    }
  });

  it('reads files and refuses bad JSON with a clear message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-policy-'));
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(DEFAULT_POLICY));
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    expect(loadPolicyFile(join(dir, 'ok.json'))).toEqual(DEFAULT_POLICY);
    expect(() => loadPolicyFile(join(dir, 'bad.json'))).toThrow(/not valid JSON/);
    expect(() => loadPolicyFile(join(dir, 'missing.json'))).toThrow(/cannot read policy file/);
  });

  it('plans deadlines: deny after 4 h by default, ttl override, cumulative escalation tiers', () => {
    const t0 = Date.parse('2026-01-01T00:00:00.000Z');
    expect(planDeadlines(DEFAULT_POLICY, 'high', t0)).toEqual({ expiresAt: '2026-01-01T04:00:00.000Z', onTimeout: 'deny', escalationDeadlines: [] });
    expect(planDeadlines(DEFAULT_POLICY, 'high', t0, 60).expiresAt).toBe('2026-01-01T00:01:00.000Z');
    const chain = { ...DEFAULT_POLICY, timeouts: { ...DEFAULT_POLICY.timeouts, medium: { kind: 'escalate' as const, tiers: [{ afterSeconds: 3600 }, { afterSeconds: 7200 }, { afterSeconds: 3600 }], onExhausted: 'approve' as const } } };
    expect(planDeadlines(chain, 'medium', t0)).toEqual({
      expiresAt: '2026-01-01T01:00:00.000Z',
      onTimeout: 'escalate',
      escalationDeadlines: ['2026-01-01T03:00:00.000Z', '2026-01-01T04:00:00.000Z'],
      onEscalationExhausted: 'approve',
    });
    const wait = { ...DEFAULT_POLICY, timeouts: { ...DEFAULT_POLICY.timeouts, low: { kind: 'wait' as const } } };
    expect(planDeadlines(wait, 'low', t0)).toEqual({ expiresAt: null, onTimeout: 'wait', escalationDeadlines: [] });
  });

  it('never lets the proposer\'s ttl bring an approval on timeout sooner: a shorter ttl lapses into a deny (found by a new-user trial)', () => {
    const t0 = Date.parse('2026-01-01T00:00:00.000Z');
    const approving = { ...DEFAULT_POLICY, timeouts: { ...DEFAULT_POLICY.timeouts, low: { kind: 'approve' as const, afterSeconds: 86_400 } } };
    expect(planDeadlines(approving, 'low', t0, 1)).toEqual({ expiresAt: '2026-01-01T00:00:01.000Z', onTimeout: 'deny', escalationDeadlines: [] });
    expect(planDeadlines(approving, 'low', t0, 172_800)).toEqual({ expiresAt: '2026-01-02T00:00:00.000Z', onTimeout: 'approve', escalationDeadlines: [] });
    expect(planDeadlines(approving, 'low', t0)).toEqual({ expiresAt: '2026-01-02T00:00:00.000Z', onTimeout: 'approve', escalationDeadlines: [] });
    const chain = { ...DEFAULT_POLICY, timeouts: { ...DEFAULT_POLICY.timeouts, medium: { kind: 'escalate' as const, tiers: [{ afterSeconds: 3600 }, { afterSeconds: 3600 }], onExhausted: 'approve' as const } } };
    // A ttl inside the chain: the tiers before it escalate as planned, then the request lapses.
    expect(planDeadlines(chain, 'medium', t0, 5400)).toEqual({
      expiresAt: '2026-01-01T01:00:00.000Z',
      onTimeout: 'escalate',
      escalationDeadlines: ['2026-01-01T01:30:00.000Z'],
      onEscalationExhausted: 'deny',
    });
    expect(planDeadlines(chain, 'medium', t0, 1)).toEqual({ expiresAt: '2026-01-01T00:00:01.000Z', onTimeout: 'deny', escalationDeadlines: [], onEscalationExhausted: 'deny' });
    // Past the chain's end: the policy's chain as it is.
    expect(planDeadlines(chain, 'medium', t0, 86_400)).toEqual(planDeadlines(chain, 'medium', t0));
    // A chain that ends in a deny anyway: the same — the ttl only brings the lapse sooner, never an escalation later.
    const denying = { ...chain, timeouts: { ...chain.timeouts, medium: { ...chain.timeouts.medium, onExhausted: 'deny' as const } } };
    expect(planDeadlines(denying, 'medium', t0, 60)).toEqual({ expiresAt: '2026-01-01T00:01:00.000Z', onTimeout: 'deny', escalationDeadlines: [], onEscalationExhausted: 'deny' });
    expect(planDeadlines(denying, 'medium', t0, 5400)).toEqual({
      expiresAt: '2026-01-01T01:00:00.000Z',
      onTimeout: 'escalate',
      escalationDeadlines: ['2026-01-01T01:30:00.000Z'],
      onEscalationExhausted: 'deny',
    });
    expect(planDeadlines(denying, 'medium', t0, 604_800)).toEqual(planDeadlines(denying, 'medium', t0));
  });

  it('never lets the proposer\'s ttl keep a request open past the policy\'s deny (found by a new-user trial)', () => {
    const t0 = Date.parse('2026-01-01T00:00:00.000Z');
    // The default: high risk is denied after 4 h.
    expect(planDeadlines(DEFAULT_POLICY, 'high', t0, 604_800)).toEqual({ expiresAt: '2026-01-01T04:00:00.000Z', onTimeout: 'deny', escalationDeadlines: [] });
    expect(planDeadlines(DEFAULT_POLICY, 'high', t0, 600)).toEqual({ expiresAt: '2026-01-01T00:10:00.000Z', onTimeout: 'deny', escalationDeadlines: [] });
    expect(planDeadlines(DEFAULT_POLICY, 'high', t0)).toEqual({ expiresAt: '2026-01-01T04:00:00.000Z', onTimeout: 'deny', escalationDeadlines: [] });
  });
});
