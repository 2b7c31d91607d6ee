import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUTONOMY_LEVELS, type AutonomyLevel, compareAutonomy } from '../../src/model/autonomy.ts';
import type { JsonObject, JsonValue } from '../../src/model/json.ts';
import { RISK_LEVELS } from '../../src/model/risk.ts';
import type { Verdict } from '../../src/model/verdict.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { DEFAULT_DETECTORS, type Detector } from '../../src/policy/detectors/index.ts';
import { STRICTNESS, compilePolicy } from '../../src/policy/evaluate.ts';
import { parsePolicy } from '../../src/policy/load-policy.ts';
import type { Policy, TableOutcome } from '../../src/policy/policy-schema.ts';
import { DEFAULT_ACTION_RISKS } from '../../src/policy/taxonomy.ts';
import { AMBIGUOUS, DANGEROUS, HARMLESS } from './detector-corpus.ts';

const corpusArgs = [...DANGEROUS, ...HARMLESS, ...AMBIGUOUS].map((entry) => entry.args);
const corpusStrings = corpusArgs.flatMap((args) => Object.values(args).filter((value): value is string => typeof value === 'string'));

const actionType = fc.oneof(fc.constantFrom(...Object.keys(DEFAULT_ACTION_RISKS)), fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}:[a-z][a-z0-9_-]{0,8}$/));
const autonomy = fc.constantFrom(...AUTONOMY_LEVELS);
/** Arguments: corpus inputs, random JSON, and random JSON with a corpus string planted somewhere inside. */
const args: fc.Arbitrary<JsonObject> = fc.oneof(
  fc.constantFrom(...corpusArgs),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>, { maxKeys: 5 }),
  fc
    .tuple(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>, { maxKeys: 3 }), fc.constantFrom(...corpusStrings), fc.nat(3))
    .map(([base, planted, depth]) => {
      let value: JsonValue = planted;
      for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? { nested: value } : [value];
      return { ...base, planted: value };
    }),
);
const agentId = fc.oneof(fc.constantFrom('agent', 'constructor', '__proto__', 'toString', 'hasOwnProperty'), fc.string({ minLength: 1, maxLength: 10 }));

/** A random decision table that tightens down each row (the schema refuses any other). */
const table = fc.tuple(...RISK_LEVELS.map(() => fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 4, maxLength: 4 }))).map((rows) => {
  const cell = (n: number): TableOutcome => (n === 0 ? { outcome: 'auto' } : n === 5 ? { outcome: 'deny' } : { outcome: 'human', requiredApprovals: n });
  return Object.fromEntries(
    RISK_LEVELS.map((risk, r) => {
      const strictness = [...(rows[r] as number[])].sort((a, b) => a - b); // full … locked
      return [risk, Object.fromEntries([...AUTONOMY_LEVELS].reverse().map((level, i) => [level, cell(strictness[i] as number)]))];
    }),
  ) as Policy['decisionTable'];
});
const randomPolicy: fc.Arbitrary<Policy> = fc
  .record({ table, hardDeny: fc.subarray(['vcs:push', 'db:admin', 'org:fire', 'made:up']), company: autonomy, agents: fc.dictionary(fc.constantFrom('agent', 'bot', 'constructor'), autonomy) })
  .map(({ table: decisionTable, hardDeny, company, agents }) => parsePolicy({ ...structuredClone(DEFAULT_POLICY), decisionTable, hardDeny, autonomy: { company, departments: {}, agents } }));

/** Whether a verdict found a private key (whole, or split across string values). */
const findsKey = (verdict: Verdict) => verdict.matchedRules.includes('detector:private-key');
const withoutDuration = ({ durationMs: _, ...rest }: Verdict) => rest;
/**
 * A verdict but for `durationMs` and, when the arguments are withheld, `argsHash`: that one is
 * keyed afresh on every evaluation on purpose (it must not confirm a guessed credential), so it
 * is only checked to be a hash.
 */
const comparable = (verdict: Verdict) => {
  const { argsHash, ...rest } = withoutDuration(verdict);
  if (!verdict.argsWithheld) return { argsHash, ...rest };
  expect(argsHash).toMatch(/^[0-9a-f]{64}$/);
  return rest;
};

describe('policy properties', () => {
  it('autonomy never loosens a verdict: a lower level is at least as strict, and needs at least as many approvals', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(DEFAULT_POLICY), randomPolicy), actionType, args, autonomy, autonomy, (document, type, input, a, b) => {
        const compiled = compilePolicy(document);
        const [lower, higher] = compareAutonomy(a, b) <= 0 ? [a, b] : [b, a];
        const judge = (level: AutonomyLevel) => compiled.evaluate({ actionType: type, args: input, agentId: 'x' }, { autonomyOverride: level });
        const low = judge(lower);
        const high = judge(higher);
        expect(STRICTNESS[low.decision]).toBeGreaterThanOrEqual(STRICTNESS[high.decision]);
        if (low.decision === 'escalate' && high.decision === 'escalate') expect(low.requiredApprovals).toBeGreaterThanOrEqual(high.requiredApprovals);
      }),
      { numRuns: 600 },
    );
  });

  it('any detector that throws or answers nonsense denies, wherever it runs (fail closed)', () => {
    const failures: Array<Detector['detect']> = [
      () => {
        throw new Error('boom');
      },
      () => {
        throw 'a string';
      },
      () => {
        throw undefined;
      },
      () => null as never,
      () => 'deny' as never,
      () => [{ rule: 'x', severity: 'maybe', reason: '', path: '' }] as never,
      () => [null] as never,
    ];
    fc.assert(
      fc.property(actionType, args, autonomy, fc.nat(DEFAULT_DETECTORS.length), fc.constantFrom(...failures), (type, input, level, at, detect) => {
        const detectors = [...DEFAULT_DETECTORS];
        detectors.splice(at, 0, { id: 'broken', detect });
        const verdict = compilePolicy(DEFAULT_POLICY, detectors).evaluate({ actionType: type, args: input, agentId: 'x' }, { autonomyOverride: level });
        expect(verdict.decision).toBe('deny');
        expect(verdict.reason).toContain('failing closed');
      }),
      { numRuns: 300 },
    );
  });

  it('a rule that throws denies too: evaluate never throws, whatever breaks inside it', () => {
    fc.assert(
      fc.property(actionType, args, agentId, autonomy, (type, input, agent, level) => {
        let armed = false;
        const document = structuredClone(DEFAULT_POLICY);
        const decisionTable = new Proxy(document.decisionTable, {
          get(table, key, receiver) {
            if (armed) throw new Error('the decision table is unreadable');
            return Reflect.get(table, key, receiver);
          },
        });
        const compiled = compilePolicy({ ...document, decisionTable });
        armed = true;
        const broken = compiled.evaluate({ actionType: type, args: input, agentId: agent }, { autonomyOverride: level });
        expect(broken.decision).toBe('deny');
        expect(broken.matchedRules).toEqual([expect.stringMatching(/^(evaluation-error|detector-error:.+)$/)]);
        // An autonomy level that is no level at all is a broken rule as well.
        const nonsense = compilePolicy(DEFAULT_POLICY).evaluate({ actionType: type, args: input, agentId: agent }, { autonomyOverride: 'turbo' as AutonomyLevel });
        expect(nonsense.decision).toBe('deny');
        expect(nonsense.autonomy).toBe('locked');
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: the same input gives a deep-equal verdict (but for durationMs, and the keyed argsHash of withheld arguments)', () => {
    fc.assert(
      fc.property(actionType, args, agentId, fc.option(autonomy, { nil: undefined }), (type, input, agent, level) => {
        let tick = 0;
        const now = () => (tick += 7);
        const compiled = compilePolicy(DEFAULT_POLICY);
        const options = level === undefined ? { now } : { now, autonomyOverride: level };
        const first = compiled.evaluate({ actionType: type, args: input, agentId: agent }, options);
        const second = compilePolicy(structuredClone(DEFAULT_POLICY)).evaluate({ actionType: type, args: structuredClone(input), agentId: agent }, options);
        expect(comparable(second)).toEqual(comparable(first));
      }),
      { numRuns: 300 },
    );
  });

  it('argsHash (and the whole verdict) does not depend on key order, at any depth (withheld arguments: but for their keyed argsHash)', () => {
    const reorder = (value: JsonValue, seed: number): JsonValue => {
      if (Array.isArray(value)) return value.map((item) => reorder(item, seed + 1));
      if (value === null || typeof value !== 'object') return value;
      const entries = Object.entries(value);
      const rotated = [...entries.slice(seed % Math.max(1, entries.length)), ...entries.slice(0, seed % Math.max(1, entries.length))].reverse();
      return Object.fromEntries(rotated.map(([key, child]) => [key, reorder(child, seed + 3)]));
    };
    fc.assert(
      fc.property(actionType, args, fc.nat(10), (type, input, seed) => {
        const shuffled = reorder(input, seed) as JsonObject;
        const a = compilePolicy(DEFAULT_POLICY).evaluate({ actionType: type, args: input, agentId: 'x' });
        const b = compilePolicy(DEFAULT_POLICY).evaluate({ actionType: type, args: shuffled, agentId: 'x' });
        // The one part of a verdict that reads values in the order given: a private key cut across
        // string values is looked for in them joined in that order (secrets.ts, splitPrivateKey),
        // so `{"a":"-----BEGIN RSA PRIV","b":"ATE KEY-----"}` reordered holds no key (a whole key is
        // found in any order, so only a split one can tell the two apart); split-secrets.test.ts covers it.
        if (findsKey(a) !== findsKey(b)) return;
        if (!a.argsWithheld) expect(b.argsHash).toBe(a.argsHash);
        expect(comparable(b)).toEqual(comparable(a));
      }),
      { numRuns: 300 },
    );
    const hash = (input: JsonObject) => compilePolicy(DEFAULT_POLICY).evaluate({ actionType: 'code:read', args: input, agentId: 'x' }).argsHash;
    expect(hash({ a: 1, b: 2 })).not.toBe(hash({ a: 2, b: 1 }));
  });
});
