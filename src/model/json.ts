import { z } from 'zod';

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const MAX_DEPTH = 64;

/**
 * Whether a value is plain JSON (finite numbers, plain objects and arrays, at most 64 deep).
 * Hand-written because it runs on every proposal and every restored snapshot: a recursive zod
 * union is several times slower.
 */
export function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (const item of value) if (!isJsonValue(item, depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!isJsonValue((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** A JSON value (finite numbers only, so it survives a round trip). */
export const JsonValue = z.custom<JsonValue>((value) => isJsonValue(value), {
  message: 'must be JSON (finite numbers, plain objects and arrays, at most 64 levels deep)',
});

/** A JSON object. */
export const JsonObject = z.custom<{ [key: string]: JsonValue }>(
  (value) => value !== null && typeof value === 'object' && !Array.isArray(value) && isJsonValue(value),
  { message: 'must be a JSON object (finite numbers, plain objects and arrays, at most 64 levels deep)' },
);
export type JsonObject = z.infer<typeof JsonObject>;
