import { describe, expect, it } from 'vitest';
import { AUTONOMY_LEVELS, type AutonomyLevel } from '../../src/model/autonomy.ts';
import type { VerdictDecision } from '../../src/model/verdict.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { compilePolicy } from '../../src/policy/evaluate.ts';
import { DEFAULT_ACTION_RISKS } from '../../src/policy/taxonomy.ts';

// DESIGN.md's table, written out independently of the implementation.
const EXPECTED: Record<string, Record<AutonomyLevel, [VerdictDecision, number]>> = {
  low: { full: ['allow', 1], semi: ['allow', 1], supervised: ['allow', 1], locked: ['escalate', 1] },
  medium: { full: ['allow', 1], semi: ['allow', 1], supervised: ['escalate', 1], locked: ['escalate', 1] },
  high: { full: ['allow', 1], semi: ['escalate', 1], supervised: ['escalate', 1], locked: ['deny', 1] },
  critical: { full: ['escalate', 2], semi: ['escalate', 2], supervised: ['escalate', 2], locked: ['deny', 1] },
};

const TIERS: Record<string, string> = {
  'code:read': 'low', 'docs:write': 'low', 'comms:internal': 'low', 'vcs:branch': 'low', 'db:query': 'low',
  'code:write': 'medium', 'code:create': 'medium', 'code:refactor': 'medium', 'vcs:commit': 'medium', 'budget:spend': 'medium', 'arch:decide': 'medium', 'tool:invoke': 'medium',
  'vcs:push': 'high', 'code:delete': 'high', 'db:mutate': 'high', 'deploy:staging': 'high', 'comms:external': 'high', 'budget:exceed': 'high', 'org:hire': 'high', 'org:promote': 'high',
  'deploy:production': 'critical', 'db:admin': 'critical', 'org:fire': 'critical',
  'made:up': 'high', 'quantum:teleport': 'high',
};

const policy = compilePolicy(DEFAULT_POLICY);

describe('default decision table: every action type × every autonomy level', () => {
  it('knows every action of the taxonomy', () => {
    expect(Object.keys(DEFAULT_ACTION_RISKS).sort()).toEqual(Object.keys(TIERS).filter((t) => !['made:up', 'quantum:teleport'].includes(t)).sort());
  });
  const cases = Object.entries(TIERS).flatMap(([actionType, tier]) => AUTONOMY_LEVELS.map((autonomy) => [actionType, autonomy, tier] as const));
  it.each(cases)('%s at %s', (actionType, autonomy, tier) => {
    const verdict = policy.evaluate({ actionType, args: { note: 'routine' }, agentId: 'agent' }, { autonomyOverride: autonomy });
    const [decision, approvals] = EXPECTED[tier]?.[autonomy] ?? ['deny', 1];
    expect(verdict.riskLevel).toBe(tier);
    expect(verdict.decision).toBe(decision);
    if (decision === 'escalate') expect(verdict.requiredApprovals).toBe(approvals);
    expect(verdict.matchedRules).toContain(`table:${tier}/${autonomy}`);
    expect(verdict.policyVersion).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(verdict.argsHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('resolves autonomy agent → department → company', () => {
    const custom = compilePolicy({
      ...DEFAULT_POLICY,
      autonomy: { company: 'semi', departments: { finance: 'supervised' }, agents: { trusted: 'full' } },
    });
    expect(custom.autonomyOf('anyone')).toBe('semi');
    expect(custom.autonomyOf('anyone', 'finance')).toBe('supervised');
    expect(custom.autonomyOf('trusted', 'finance')).toBe('full');
    expect(custom.evaluate({ actionType: 'vcs:push', args: {}, agentId: 'trusted', department: 'finance' }).decision).toBe('allow');
    expect(custom.evaluate({ actionType: 'code:write', args: {}, agentId: 'bot', department: 'finance' }).decision).toBe('escalate');
  });

  it('resolves agent and department names that are also Object.prototype members as plain names', () => {
    for (const agentId of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(policy.autonomyOf(agentId, 'valueOf')).toBe('semi');
      expect(policy.evaluate({ actionType: 'code:read', args: {}, agentId, department: 'constructor' }).decision).toBe('allow');
    }
  });

  it('merges a policy file\'s action risks over the built-in taxonomy', () => {
    const custom = compilePolicy({ ...DEFAULT_POLICY, actions: { 'billing:refund': 'critical', 'code:read': 'medium' } });
    expect(custom.evaluate({ actionType: 'billing:refund', args: {}, agentId: 'a' }).requiredApprovals).toBe(2);
    expect(custom.evaluate({ actionType: 'code:read', args: {}, agentId: 'a' }).riskLevel).toBe('medium');
    expect(custom.evaluate({ actionType: 'vcs:commit', args: {}, agentId: 'a' }).riskLevel).toBe('medium');
    expect(custom.evaluate({ actionType: 'deploy:production', args: {}, agentId: 'a' }).riskLevel).toBe('critical');
  });

  it('explains a table decision in its reason', () => {
    expect(policy.evaluate({ actionType: 'deploy:production', args: {}, agentId: 'a' }).reason).toBe('critical risk at semi autonomy: needs 2 approval(s)');
    expect(policy.evaluate({ actionType: 'vcs:push', args: {}, agentId: 'a' }, { autonomyOverride: 'locked' }).reason).toBe('high risk at locked autonomy: denied');
    expect(policy.evaluate({ actionType: 'code:read', args: {}, agentId: 'a' }).reason).toBe('low risk at semi autonomy: allowed');
  });

  it('denies hard-denied action types whatever the autonomy', () => {
    const custom = compilePolicy({ ...DEFAULT_POLICY, hardDeny: ['org:fire'] });
    for (const autonomy of AUTONOMY_LEVELS) {
      expect(custom.evaluate({ actionType: 'org:fire', args: {}, agentId: 'a' }, { autonomyOverride: autonomy }).decision).toBe('deny');
    }
  });
});

// What each kind of detector finding does on top of the table, from DESIGN.md: detectors run
// whatever the autonomy; deny findings deny; escalate findings need at least a human — a force
// push too, whose escalation suggests the --force-with-lease reroute to the approver.
const FINDINGS = {
  none: { args: { note: 'routine' }, decision: 'allow' },
  forcePush: { args: { command: 'git push --force origin main' }, decision: 'escalate' },
  escalate: { args: { sql: 'DROP TABLE users' }, decision: 'escalate' },
  deny: { args: { command: 'rm -rf /' }, decision: 'deny' },
} as const;
const ORDER: VerdictDecision[] = ['allow', 'alternative', 'escalate', 'deny'];

describe('decision table × detector findings: every action type × every autonomy level × every kind of finding', () => {
  const cases = Object.entries(TIERS).flatMap(([actionType, tier]) =>
    AUTONOMY_LEVELS.flatMap((autonomy) => Object.keys(FINDINGS).map((finding) => [actionType, autonomy, finding as keyof typeof FINDINGS, tier] as const)),
  );
  it.each(cases)('%s at %s with finding %s', (actionType, autonomy, finding, tier) => {
    const [tableDecision, tableApprovals] = EXPECTED[tier]?.[autonomy] ?? ['deny', 1];
    const { args, decision: findingDecision } = FINDINGS[finding];
    const expected = ORDER[Math.max(ORDER.indexOf(tableDecision), ORDER.indexOf(findingDecision))] as VerdictDecision;
    const verdict = policy.evaluate({ actionType, args, agentId: 'agent' }, { autonomyOverride: autonomy });
    expect(verdict.decision).toBe(expected);
    if (expected === 'escalate') expect(verdict.requiredApprovals).toBe(tableDecision === 'escalate' ? tableApprovals : 1);
    if (expected === 'escalate' && finding === 'forcePush') expect(verdict.alternative?.args).toEqual({ command: 'git push --force-with-lease origin main' });
    else expect(verdict.alternative).toBeUndefined();
    expect(verdict.riskLevel).toBe(tier);
    expect(verdict.autonomy).toBe(autonomy);
  });
});
