import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { DEFAULT_DETECTORS, type Detector } from '../../src/policy/detectors/index.ts';
import { compilePolicy } from '../../src/policy/evaluate.ts';

const input = { actionType: 'code:read', args: { note: 'routine' }, agentId: 'a' };
const only = (detect: Detector['detect']) => compilePolicy(DEFAULT_POLICY, [{ id: 'custom', detect }]);

describe('evaluate', () => {
  it('denies, naming the detector, when a detector throws', () => {
    const verdict = only(() => {
      throw new Error('regex blew up');
    }).evaluate(input);
    expect(verdict).toMatchObject({ decision: 'deny', matchedRules: ['detector-error:custom'], riskLevel: 'low', autonomy: 'semi' });
    expect(verdict.reason).toBe('detector custom failed (regex blew up): denied, failing closed');
  });

  it('denies when a detector answers something that is not a list of findings', () => {
    expect(only(() => [{ rule: 'x', severity: 'allow', reason: '', path: '' }] as never).evaluate(input).reason).toContain('malformed finding');
    expect(only(() => undefined as never).evaluate(input).reason).toContain('returned no list of findings');
  });

  it('escalates an alternative that comes without safer arguments: there is nothing to run instead', () => {
    const verdict = only(() => [{ rule: 'detector:custom', severity: 'alternative', reason: 'use a safer form', path: 'x' }]).evaluate(input, { autonomyOverride: 'full' });
    expect(verdict).toMatchObject({ decision: 'escalate', requiredApprovals: 1, matchedRules: ['detector:custom', 'table:low/full'] });
    expect(verdict.alternative).toBeUndefined();
  });

  it('denies arguments it cannot hash (a cycle slipped past validation)', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const verdict = compilePolicy(DEFAULT_POLICY).evaluate({ ...input, args: cyclic as never });
    expect(verdict).toMatchObject({ decision: 'deny', matchedRules: ['evaluation-error'], argsHash: '' });
  });

  it('lets a policy switch detectors off by id, and only those', () => {
    const relaxed = compilePolicy({ ...DEFAULT_POLICY, detectors: { disabled: ['git-history'] } });
    expect(relaxed.evaluate({ ...input, args: { command: 'git push --force' } }).decision).toBe('allow');
    expect(relaxed.evaluate({ ...input, args: { command: 'rm -rf /' } }).decision).toBe('deny');
    expect(DEFAULT_DETECTORS.map((detector) => detector.id)).toEqual(['secrets', 'path-traversal', 'destructive-shell', 'destructive-sql', 'git-history', 'remote-code']);
  });

  it('puts the hard-deny list before the detectors', () => {
    const verdict = compilePolicy({ ...DEFAULT_POLICY, hardDeny: ['code:read'] }).evaluate({ ...input, args: { command: 'git push -f' } });
    expect(verdict).toMatchObject({ decision: 'deny', matchedRules: ['hard-deny:code:read'], reason: 'code:read is on the hard-deny list' });
  });

  it('measures its duration only with an injected clock', () => {
    expect(compilePolicy(DEFAULT_POLICY).evaluate(input).durationMs).toBe(0);
    let now = 100;
    expect(compilePolicy(DEFAULT_POLICY).evaluate(input, { now: () => (now += 2.5) }).durationMs).toBe(2.5);
  });
});
