import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUTONOMY_LEVELS, compareAutonomy } from '../../src/model/autonomy.ts';
import type { VerdictDecision } from '../../src/model/verdict.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { DEFAULT_DETECTORS, scanStrings } from '../../src/policy/detectors/index.ts';
import { compilePolicy } from '../../src/policy/evaluate.ts';
import { DANGEROUS, HARMLESS } from './detector-corpus.ts';

const STRICT: Record<VerdictDecision, number> = { allow: 0, alternative: 1, escalate: 2, deny: 3 };
const policy = compilePolicy(DEFAULT_POLICY);

function worstFinding(args: Parameters<typeof scanStrings>[0]) {
  const strings = scanStrings(args);
  const findings = DEFAULT_DETECTORS.flatMap((detector) => detector.detect(strings, args));
  return findings.reduce<string>((top, f) => (STRICT[f.severity] > STRICT[top as VerdictDecision] ? f.severity : top), 'allow');
}

describe('detector corpus', () => {
  it('has at least 70 dangerous and 55 harmless inputs', () => {
    expect(DANGEROUS.length).toBeGreaterThanOrEqual(70);
    expect(HARMLESS.length).toBeGreaterThanOrEqual(55);
  });

  it('finds every dangerous input and nothing in the harmless ones (0 false negatives, 0 false positives)', () => {
    const falseNegatives = DANGEROUS.filter((entry) => {
      const found = worstFinding(entry.args);
      return entry.expect === 'alternative' ? found !== 'alternative' : STRICT[found as VerdictDecision] < STRICT[entry.expect as VerdictDecision];
    });
    const falsePositives = HARMLESS.filter((entry) => worstFinding(entry.args) !== 'allow');
    console.info(`detector corpus: ${DANGEROUS.length} dangerous, ${HARMLESS.length} harmless; false negatives ${falseNegatives.length}, false positives ${falsePositives.length}`);
    expect(falseNegatives.map((e) => JSON.stringify(e.args))).toEqual([]);
    expect(falsePositives.map((e) => JSON.stringify(e.args))).toEqual([]);
  });

  it('denies dangerous inputs whatever the action and autonomy, and suggests --force-with-lease', () => {
    for (const autonomy of AUTONOMY_LEVELS) {
      expect(policy.evaluate({ actionType: 'code:read', args: { command: 'rm -fr /' }, agentId: 'a' }, { autonomyOverride: autonomy }).decision).toBe('deny');
    }
    const verdict = policy.evaluate({ actionType: 'vcs:push', args: { command: 'git push --force origin main' }, agentId: 'a' }, { autonomyOverride: 'full' });
    expect(verdict.decision).toBe('alternative');
    expect(verdict.alternative).toMatchObject({ actionType: 'vcs:push', args: { command: 'git push --force-with-lease origin main' } });
    expect(policy.evaluate({ actionType: 'vcs:push', args: { command: 'git push --force' }, agentId: 'a' }).decision).toBe('escalate');
  });
});

describe('policy properties', () => {
  const actionTypes = fc.constantFrom('code:read', 'code:write', 'vcs:push', 'deploy:production', 'db:mutate', 'made:up');
  const argsArb = fc.oneof(
    fc.constantFrom(...DANGEROUS.map((e) => e.args), ...HARMLESS.map((e) => e.args)),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean())),
  );

  it('autonomy never loosens: a lower level never gives a less strict decision', () => {
    fc.assert(
      fc.property(actionTypes, argsArb, fc.constantFrom(...AUTONOMY_LEVELS), fc.constantFrom(...AUTONOMY_LEVELS), (actionType, args, a, b) => {
        const [lower, higher] = compareAutonomy(a, b) <= 0 ? [a, b] : [b, a];
        const strictLow = STRICT[policy.evaluate({ actionType, args, agentId: 'x' }, { autonomyOverride: lower }).decision];
        const strictHigh = STRICT[policy.evaluate({ actionType, args, agentId: 'x' }, { autonomyOverride: higher }).decision];
        // alternative and allow are both "no human": compare deny/escalate strictly, the rest loosely.
        expect(strictLow >= 2 || strictHigh < 2 || strictLow >= strictHigh).toBe(true);
        expect(strictLow).toBeGreaterThanOrEqual(Math.min(strictHigh, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('any detector that throws denies (fail closed)', () => {
    fc.assert(
      fc.property(actionTypes, argsArb, fc.constantFrom(...AUTONOMY_LEVELS), fc.nat(DEFAULT_DETECTORS.length), (actionType, args, autonomy, at) => {
        const exploding = { id: 'exploding', detect: () => { throw new Error('boom'); } };
        const detectors = [...DEFAULT_DETECTORS];
        detectors.splice(at, 0, exploding);
        const verdict = compilePolicy(DEFAULT_POLICY, detectors).evaluate({ actionType, args, agentId: 'x' }, { autonomyOverride: autonomy });
        expect(verdict.decision).toBe('deny');
      }),
      { numRuns: 200 },
    );
  });

  it('verdicts are deterministic and argsHash ignores key order', () => {
    fc.assert(
      fc.property(actionTypes, fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer()), { minKeys: 2 }), (actionType, args) => {
        const reversed = Object.fromEntries(Object.entries(args).reverse());
        const a = policy.evaluate({ actionType, args, agentId: 'x' });
        const b = policy.evaluate({ actionType, args: reversed, agentId: 'x' });
        expect(b).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });
});
