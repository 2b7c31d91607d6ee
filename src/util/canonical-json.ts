// Not `crypto`: the SQLite writer thread's bundle runs as a script where `crypto` is a read-only global.
import * as nodeCrypto from 'node:crypto';

/** Node's one-shot `crypto.hash` (20.12+): ~0.4 µs against ~1.0 µs for a `createHash` object on a 300-character string (measured), and a commit hashes several. */
const oneShotHash = (nodeCrypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/**
 * JSON with object keys sorted at every depth, so equal values hash equally.
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return value === undefined ? 'null' : JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

/**
 * Whether two JSON values are equal as {@link canonicalJson} sees them (key order ignored, an
 * `undefined` property the same as a missing one, `undefined` the same as `null`), without
 * building either string: a parked task's approval is compared this way on every decision.
 * @example jsonEqual({ a: 1, b: undefined }, { a: 1 }) // true
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (printsNull(a)) return printsNull(b);
  if (printsNull(b) || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index += 1) if (!jsonEqual(a[index], b[index])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let defined = 0;
  for (const key of Object.keys(left)) {
    if (left[key] === undefined) continue;
    defined += 1;
    if (!Object.hasOwn(right, key) || right[key] === undefined || !jsonEqual(left[key], right[key])) return false;
  }
  for (const key of Object.keys(right)) if (right[key] !== undefined) defined -= 1;
  return defined === 0;
}

/** `undefined`, `null`, NaN and ±Infinity: what canonical JSON prints as `null`. */
function printsNull(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'number' && !Number.isFinite(value));
}

/**
 * Hex SHA-256 of a string.
 * @example sha256Hex('') // 'e3b0c442…'
 */
export function sha256Hex(text: string): string {
  return oneShotHash ? oneShotHash('sha256', text, 'hex') : nodeCrypto.createHash('sha256').update(text).digest('hex');
}

/**
 * A deep copy of a JSON value (faster than `structuredClone` for the small objects a store
 * copies on every commit).
 * @example copyJson({ a: [1, { b: 2 }] })
 */
export function copyJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyJson) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyJson((value as Record<string, unknown>)[key]);
  return out as T;
}
