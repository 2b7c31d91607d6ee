import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PersistedTaskSnapshot, SnapshotEnvelope } from '../../machines/envelope.ts';
import { Approval } from '../../src/model/approval.ts';
import { JsonObject } from '../../src/model/json.ts';
import { noCopyParser } from '../../src/util/no-copy-parse.ts';

const FIXTURES = new URL('../fixtures/snapshots/v1/', import.meta.url);
const envelopes: Array<{ machineVersion: number; snapshot: Record<string, unknown> }> = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.json'))
  .map((name) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')).envelope);
const snapshots = envelopes.map((envelope) => envelope.snapshot);
const approvals = snapshots.map((snapshot) => (snapshot.context as { approval: unknown }).approval).filter((approval) => approval !== null);

/** A schema of every kind and check the fast path compiles, and of a few it leaves to zod. */
const Kitchen = z
  .strictObject({
    name: z.string().min(2).max(5),
    kind: z.string().regex(/^[a-z]+:[a-z]+$/),
    count: z.number().int().min(1).max(10),
    ratio: z.number().gt(0).lt(1).optional(),
    level: z.enum(['low', 'high']),
    flag: z.literal(true).optional(),
    on: z.boolean(),
    tags: z.array(z.string()),
    note: z.string().nullable(),
    meta: z.record(z.string(), z.unknown()),
    args: JsonObject,
    loose: z.object({ a: z.string() }),
  })
  .refine((value) => value.name !== 'never', { message: 'not never' });

/** An array with a hole at 0 (zod reads it as undefined). */
function sparse(): unknown[] {
  const array: unknown[] = [];
  array[1] = 'hole';
  return array;
}

/** Values near a valid one: each differs in one place by what zod treats specially. */
const awkward = fc.constantFrom<unknown>(
  undefined, null, true, false, 0, -0, 1, 1.5, -1, 10, 11, 2 ** 53, NaN, Infinity, -Infinity, '', 'a', 'ab', 'abcde', 'abcdef', '😀', '😀😀', '😀😀😀😀😀', 'é', 'vcs:push', 'VCS:push',
  'vcs:push\n', 'low', 'high', 'pending', 'parked', 'active', 'done', [], [1], ['a'], [undefined], {}, { a: 'x' }, { a: 'x', b: 1 }, Object.create(null), new Date(0), sparse(),
  JSON.parse('{"__proto__": {"a": "x"}}'), { toString: 'x' },
);
const anyValue = fc.oneof(awkward, fc.anything({ maxDepth: 2 }));

/** Copies a JSON value, replacing, adding or removing the value at one of its paths. */
function mutate(root: unknown, pick: number, action: 'replace' | 'remove' | 'add', replacement: unknown, extraKey: string): unknown {
  const paths: Array<Array<string | number>> = [];
  const walk = (value: unknown, path: Array<string | number>) => {
    paths.push(path);
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) walk(item, [...path, index]);
    }
    else if (value !== null && typeof value === 'object') for (const key of Object.keys(value)) walk((value as Record<string, unknown>)[key], [...path, key]);
  };
  walk(root, []);
  const path = paths[pick % paths.length] as Array<string | number>;
  const copy = structuredClone(root);
  if (path.length === 0) return action === 'replace' ? replacement : copy;
  let parent = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (action === 'replace') parent[last] = replacement;
  else if (action === 'remove') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, unknown>)[extraKey] = replacement;
    else parent[last] = replacement;
  }
  return copy;
}

const mutation = (bases: readonly unknown[]) =>
  fc
    .tuple(fc.nat(bases.length - 1), fc.nat(10_000), fc.constantFrom('replace', 'remove', 'add') as fc.Arbitrary<'replace' | 'remove' | 'add'>, anyValue, fc.constantFrom('extra', 'status', '__proto__', 'constructor', 'a'))
    .map(([base, pick, action, replacement, key]) => mutate(bases[base], pick, action, replacement, key));

/** The fast parser's answer is zod's: the same success, the same data (its keys may be in another order), the same issues. */
function agrees(schema: z.ZodType, value: unknown, seen?: Seen): void {
  const fast = noCopyParser(schema)(value);
  const slow = schema.safeParse(value);
  expect(fast.success).toBe(slow.success);
  if (fast.success && slow.success) {
    expect(sameValue(fast.data, slow.data)).toBe(true);
  } else {
    expect(fast.error?.issues).toStrictEqual(slow.error?.issues);
  }
  if (seen) seen[!slow.success ? 'invalid' : fast.data === value ? 'uncopied' : 'copied'] += 1;
}

/**
 * The same data: the same prototypes, the same own keys (in any order, `undefined` ones too) and,
 * at the leaves, the same values (Object.is). Not vitest's toStrictEqual, which compares objects'
 * `constructor`, and a record may have a key of that name (NaN there is never equal).
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keysA = Reflect.ownKeys(a);
  const keysB = new Set(Reflect.ownKeys(b));
  if (keysA.length !== keysB.size) return false;
  return keysA.every((key) => keysB.has(key) && sameValue((a as Record<PropertyKey, unknown>)[key], (b as Record<PropertyKey, unknown>)[key]));
}

/** How the values generated fell: so a test shows it covered all three. */
interface Seen {
  invalid: number;
  uncopied: number;
  copied: number;
}
const noneSeen = (): Seen => ({ invalid: 0, uncopied: 0, copied: 0 });

describe('noCopyParser', () => {
  it('gives back the very value zod accepts unchanged: each golden snapshot, its envelope and its approval (no copy)', () => {
    const snapshot = noCopyParser(PersistedTaskSnapshot);
    const envelope = noCopyParser(SnapshotEnvelope);
    const approval = noCopyParser(Approval);
    // A running child's snapshot has keys its schema does not name (zod strips them: a copy); a parked task has no child.
    const parked = snapshots.filter((value) => Object.keys(value.children as object).length === 0);
    expect(parked.length).toBeGreaterThan(3);
    for (const value of parked) expect(snapshot(value).data).toBe(value);
    for (const value of envelopes) expect(envelope(value).data).toBe(value);
    for (const value of approvals) expect(approval(value).data).toBe(value);
    for (const value of [...snapshots, ...envelopes, ...approvals]) agrees(PersistedTaskSnapshot, value);
  });

  it('agrees with zod on snapshots changed in one place, valid or not', () => {
    const seen = noneSeen();
    fc.assert(fc.property(mutation(snapshots), (value) => agrees(PersistedTaskSnapshot, value, seen)), { numRuns: 4_000 });
    expect(seen.invalid).toBeGreaterThan(500);
    expect(seen.uncopied).toBeGreaterThan(500);
    expect(seen.copied).toBeGreaterThan(50);
  });

  it('agrees with zod on envelopes and approvals changed in one place', () => {
    fc.assert(fc.property(mutation(envelopes), (value) => agrees(SnapshotEnvelope, value)), { numRuns: 1_000 });
    fc.assert(fc.property(mutation(approvals), (value) => agrees(Approval, value)), { numRuns: 2_000 });
  });

  it('agrees with zod on every kind of check it compiles: lengths in code points, patterns, ranges, enums, literals, records, a non-strict object, a refinement', () => {
    const valid = { name: 'abc', kind: 'vcs:push', count: 3, level: 'low', on: true, tags: ['x'], note: null, meta: { any: [1] }, args: { a: 1 }, loose: { a: 'x' } };
    expect(noCopyParser(Kitchen)(valid).data).toBe(valid);
    for (const name of ['😀', '😀😀', '😀😀😀😀😀', '😀😀😀😀😀😀', 'ab', 'never', 'a']) agrees(Kitchen, { ...valid, name });
    // A key a non-strict object strips: zod's copy, not the value given.
    const stripped = { ...valid, loose: { a: 'x', b: 1 } };
    expect(noCopyParser(Kitchen)(stripped).data).not.toBe(stripped);
    agrees(Kitchen, stripped);
    const seen = noneSeen();
    fc.assert(fc.property(mutation([valid]), (value) => agrees(Kitchen, value, seen)), { numRuns: 4_000 });
    expect(seen.invalid).toBeGreaterThan(500);
    expect(seen.uncopied).toBeGreaterThan(500);
    expect(seen.copied).toBeGreaterThan(50);
  });

  it('leaves a schema it cannot compile to zod altogether', () => {
    const Transformed = z.strictObject({ a: z.string().transform((text) => text.length) });
    const value = { a: 'xyz' };
    expect(noCopyParser(Transformed)(value)).toEqual({ success: true, data: { a: 3 } });
    const Defaulted = z.strictObject({ a: z.string().default('x') });
    expect(noCopyParser(Defaulted)({})).toEqual({ success: true, data: { a: 'x' } });
    fc.assert(fc.property(anyValue, (input) => agrees(Transformed, input)), { numRuns: 500 });
  });
});
