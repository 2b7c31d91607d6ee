import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, jsonEqual } from '../../src/util/canonical-json.ts';

/** Values as a store holds them, with what JSON treats specially mixed in: undefined, NaN, -0, key order. */
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.constantFrom(null, undefined, true, false, 0, -0, 1, NaN, Infinity, '', 'a', '0'), fc.string({ maxLength: 3 }), fc.integer({ min: -3, max: 3 })),
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c', 'toString'), tie('node'), { maxKeys: 3 })),
})).node;

/** The same value with its object keys in reverse order: equal as canonical JSON. */
function reordered(input: unknown): unknown {
  if (Array.isArray(input)) return input.map(reordered);
  if (input === null || typeof input !== 'object') return input;
  return Object.fromEntries(Object.entries(input).reverse().map(([key, inner]) => [key, reordered(inner)]));
}

describe('jsonEqual', () => {
  it('agrees with comparing canonical JSON, on any two values', () => {
    fc.assert(fc.property(value, value, (a, b) => jsonEqual(a, b) === (canonicalJson(a) === canonicalJson(b))), { numRuns: 5_000 });
  });

  it('finds a value equal to itself with its keys reordered, and to a copy with a change unequal', () => {
    fc.assert(fc.property(value, (a) => jsonEqual(a, reordered(a)) && jsonEqual(reordered(a), a)), { numRuns: 2_000 });
    expect(jsonEqual({ approvals: [{ by: 'alice', at: 't' }] }, { approvals: [{ at: 't', by: 'alice' }] })).toBe(true);
    expect(jsonEqual({ approvals: [{ by: 'alice', at: 't' }] }, { approvals: [{ by: 'mallory', at: 't' }] })).toBe(false);
    expect(jsonEqual({ a: null }, {})).toBe(false);
    expect(jsonEqual({ a: undefined }, {})).toBe(true);
    expect(jsonEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
  });
});
