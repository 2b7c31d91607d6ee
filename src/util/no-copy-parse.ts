import type { z } from 'zod';

/** A check compiled from a schema: true only when zod would accept the value and give it back unchanged. */
type Check = (value: unknown) => boolean;

/** Thrown while compiling: the schema uses something the fast check does not know (zod then does it all). */
class Unsupported extends Error {}

interface Def {
  type: string;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  shape?: Record<string, { _zod: { def: Def } }>;
  catchall?: { _zod: { def: Def } };
  innerType?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  keyType?: { _zod: { def: Def } };
  valueType?: { _zod: { def: Def } };
  entries?: Record<string, unknown>;
  values?: unknown[];
  fn?: (value: unknown) => unknown;
}

interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  value?: unknown;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  fn?: (value: unknown) => unknown;
}

const defOf = (schema: { _zod: { def: Def } }): Def => schema._zod.def;

/**
 * A `safeParse` that, on a value zod accepts and would return unchanged, returns the value
 * itself (its keys in the order given; zod's copy has them in the schema's order). zod copies
 * every object and array it parses (a resume's snapshot and approval: ~7 KB); data read back
 * from the store is valid nearly always, and nothing needs the copy (measured alone: a parked
 * envelope decoded in 5.0 µs instead of 6.4, an approval record in 1.8 instead of 2.2).
 *
 * The schema is compiled once into plain checks of exactly what zod checks (types, lengths in
 * code points, patterns, integer and range checks, enums, literals, strict objects, records,
 * refinements and custom checks). Whatever the checks do not pass — any invalid value, but also a
 * valid one zod would change (a key a non-strict object strips, a key holding `undefined`, a
 * `__proto__` key, an object that is not plain) — goes to zod's own `safeParse`, which gives its
 * result and its issues as before. A schema using anything else (transforms, defaults, unions…)
 * is always parsed by zod. Only for values nothing else holds — fresh `JSON.parse` output and
 * migrations of it: given a caller's object (an embedder's proposal, say), the result would be
 * that object, and a later change to it by the caller would reach the task. Symbol keys and
 * accessors are not looked at (JSON has neither). test/util/no-copy-parse.test.ts holds it to zod's answer on
 * generated values.
 * @example const parseSnapshot = noCopyParser(PersistedTaskSnapshot); parseSnapshot(JSON.parse(text)).success
 */
export function noCopyParser<T extends z.ZodType>(schema: T): (value: unknown) => z.ZodSafeParseResult<z.output<T>> {
  const fast = compiledOrNull(defOf(schema as unknown as { _zod: { def: Def } }));
  if (!fast) return (value) => schema.safeParse(value);
  return (value) => (fast(value) ? { success: true, data: value as z.output<T> } : schema.safeParse(value));
}

/** The schema's checks, or null when it uses something they do not cover. */
function compiledOrNull(def: Def): Check | null {
  try {
    return compile(def);
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

function compile(def: Def): Check {
  const own = compileType(def);
  const refinements = (def.checks ?? []).map((check) => compileCheck(def.type, check._zod.def));
  if (refinements.length === 0) return own;
  return (value) => {
    if (!own(value)) return false;
    for (const refinement of refinements) if (!refinement(value)) return false;
    return true;
  };
}

function compileType(def: Def): Check {
  switch (def.type) {
    case 'string':
      return (value) => typeof value === 'string';
    case 'number':
      // zod 4's z.number() takes finite numbers only.
      return (value) => typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return (value) => typeof value === 'boolean';
    case 'unknown':
      return () => true;
    case 'enum': {
      const entries = Object.values(def.entries ?? {});
      if (entries.some((entry) => typeof entry !== 'string')) throw new Unsupported('an enum of other than strings');
      const values = new Set(entries);
      return (value) => values.has(value);
    }
    case 'literal': {
      const values = new Set(def.values ?? []);
      return (value) => values.has(value);
    }
    case 'nullable': {
      const inner = compile(innerDef(def.innerType));
      return (value) => value === null || inner(value);
    }
    case 'optional': {
      // An optional key holding `undefined` is handled by the object (it is left to zod).
      const inner = compile(innerDef(def.innerType));
      return (value) => value !== undefined && inner(value);
    }
    case 'array': {
      const element = compile(innerDef(def.element));
      return (value) => {
        if (!Array.isArray(value)) return false;
        for (let i = 0; i < value.length; i += 1) if (!(i in value) || !element(value[i])) return false;
        return true;
      };
    }
    case 'record':
      return compileRecord(def);
    case 'object':
      return compileObject(def);
    case 'custom':
      return customCheck(def.fn);
    default:
      throw new Unsupported(`zod type ${def.type}`);
  }
}

function compileCheck(type: string, check: CheckDef): Check {
  switch (check.check) {
    case 'min_length': {
      const minimum = check.minimum;
      if (type !== 'string' || typeof minimum !== 'number') throw new Unsupported('min_length');
      return (value) => codePointsAtLeast(value as string, minimum);
    }
    case 'max_length': {
      const maximum = check.maximum;
      if (type !== 'string' || typeof maximum !== 'number') throw new Unsupported('max_length');
      return (value) => (value as string).length <= maximum || codePoints(value as string) <= maximum;
    }
    case 'string_format': {
      const pattern = check.pattern;
      if (type !== 'string' || check.format !== 'regex' || !(pattern instanceof RegExp)) throw new Unsupported(`string format ${check.format}`);
      return (value) => {
        pattern.lastIndex = 0;
        return pattern.test(value as string);
      };
    }
    case 'number_format':
      if (type !== 'number' || check.format !== 'safeint') throw new Unsupported(`number format ${check.format}`);
      return (value) => Number.isSafeInteger(value);
    case 'greater_than': {
      const bound = check.value;
      if (type !== 'number' || typeof bound !== 'number') throw new Unsupported('greater_than');
      return check.inclusive ? (value) => (value as number) >= bound : (value) => (value as number) > bound;
    }
    case 'less_than': {
      const bound = check.value;
      if (type !== 'number' || typeof bound !== 'number') throw new Unsupported('less_than');
      return check.inclusive ? (value) => (value as number) <= bound : (value) => (value as number) < bound;
    }
    case 'custom':
      return customCheck(check.fn);
    default:
      throw new Unsupported(`zod check ${check.check}`);
  }
}

function compileObject(def: Def): Check {
  const shape = def.shape ?? {};
  const strict = def.catchall !== undefined && defOf(def.catchall).type === 'never';
  if (def.catchall !== undefined && !strict) throw new Unsupported('object with a catchall');
  const keys = Object.keys(shape);
  // zod reads a shape key through the prototype chain too (an absent `toString` is Object's function).
  if (keys.some((key) => key in Object.prototype)) throw new Unsupported('a key Object.prototype has');
  const fields = keys.map((key) => {
    const field = defOf(shape[key] as { _zod: { def: Def } });
    return { key, optional: field.type === 'optional', check: compile(field) };
  });
  const known = new Set(keys);
  return (value) => {
    if (!isPlainRecord(value)) return false;
    const record = value as Record<string, unknown>;
    // No shape key is Object.prototype's: undefined here is a key absent, or one holding undefined (left to zod below).
    let present = 0;
    for (const field of fields) {
      const inner = record[field.key];
      if (inner === undefined) {
        if (!field.optional) return false;
        continue;
      }
      present += 1;
      if (!field.check(inner)) return false;
    }
    // Keys the shape does not name (`__proto__` among them), or one holding undefined: strict zod
    // rejects them, non-strict zod strips them; either way zod decides.
    const ownKeys = Object.keys(record);
    if (ownKeys.length !== present) return false;
    if (present !== keys.length) for (const key of ownKeys) if (!known.has(key)) return false;
    return true;
  };
}

function compileRecord(def: Def): Check {
  const keyType = innerDef(def.keyType);
  if (keyType.type !== 'string' || (keyType.checks ?? []).length > 0) throw new Unsupported('record keys other than plain strings');
  const valueCheck = compile(innerDef(def.valueType));
  return (value) => {
    if (!isPlainRecord(value)) return false;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key === '__proto__' || !valueCheck(record[key])) return false;
    }
    return true;
  };
}

function innerDef(schema: { _zod: { def: Def } } | undefined): Def {
  if (!schema) throw new Unsupported('a wrapper without its schema');
  return defOf(schema);
}

/** An object of Object's prototype, as JSON.parse makes them (and zod's copies are). */
function isPlainRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** A `z.custom` or a refinement: its function's verdict as zod reads it, except that a promise (an async check) is left to zod. */
function customCheck(fn: ((value: unknown) => unknown) | undefined): Check {
  if (typeof fn !== 'function') throw new Unsupported('a custom check without its function');
  return (value) => {
    const result = fn(value);
    return Boolean(result) && !(result instanceof Promise);
  };
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function codePointsAtLeast(text: string, minimum: number): boolean {
  // At least twice as many UTF-16 units as needed holds at least that many code points.
  return text.length >= minimum * 2 || codePoints(text) >= minimum;
}
