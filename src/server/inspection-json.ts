/**
 * Writes anything XState hands an inspector (snapshots, events, action parameters) as plain
 * JSON that is safe to keep and to send: actor references become `{ "$actor", "sessionId" }`,
 * cycles `"[circular]"`, functions `"[function name]"`, errors `{ name, message }`; depth,
 * string lengths, array lengths and key counts are capped, so one huge context cannot blow up
 * a buffer or a browser. It writes the string directly (no intermediate copy): it runs on
 * every inspection event of every task actor.
 */

/** How much of a value is kept. */
export interface JsonLimits {
  /** Nesting below this depth becomes `"[…]"`. */
  maxDepth: number;
  /** Longer strings are cut and end with `…`. */
  maxString: number;
  /** Longer arrays keep their head and a `"… N more"` item. */
  maxItems: number;
  /** Objects with more keys keep the first ones and a `"…": "N more keys"` entry. */
  maxKeys: number;
}

/** The default limits: generous for a task's context, small enough for an SSE line. */
export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 8, maxString: 2_000, maxItems: 50, maxKeys: 60 };

/** A JSON value as the inspector sends it. */
export type SafeJson = string | number | boolean | null | SafeJson[] | { [key: string]: SafeJson };

/**
 * Whether a value is an XState actor reference (it must never be serialised: it reaches the
 * whole actor system).
 */
export function isActorRef(value: unknown): value is { id: string; sessionId: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { sessionId?: unknown }).sessionId === 'string' &&
    typeof (value as { send?: unknown }).send === 'function'
  );
}

/**
 * A safe, bounded JSON text of any value (never throws, never loops).
 * @example safeStringify({ ref: actor, self: cyclic }) // '{"ref":{"$actor":"secOps","sessionId":"x:3"},"self":"[circular]"}'
 */
export function safeStringify(value: unknown, limits: JsonLimits = DEFAULT_JSON_LIMITS): string {
  // Fast path: the engine's contexts and events are plain data, which the native writer does
  // best. It throws on a cycle and knows no limits: then, or when the text is long, write it
  // the careful way.
  if (limits === DEFAULT_JSON_LIMITS) {
    try {
      const text = JSON.stringify(value, replaceUnsafe);
      if (text === undefined) return 'null';
      if (text.length <= FAST_PATH_MAX) return text;
    } catch {
      // a cycle, or a getter that throws
    }
  }
  return write(value, limits, 0, []);
}

/** Longer texts are written again with the limits applied (a long one may hide a huge string or list). */
const FAST_PATH_MAX = 4_096;

function replaceUnsafe(_key: string, value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return `${value}n`;
    case 'function':
      return `[function ${value.name || 'anonymous'}]`;
    case 'symbol':
      return value.toString();
    case 'object':
      if (value === null || Array.isArray(value)) return value;
      if (isActorRef(value)) return { $actor: String(value.id), sessionId: value.sessionId };
      if (value instanceof Error) return { name: value.name, message: value.message };
      if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), v]));
      if (value instanceof Set) return [...value];
      return value;
    default:
      return value;
  }
}

function write(value: unknown, limits: JsonLimits, depth: number, ancestors: object[]): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > limits.maxString ? `${value.slice(0, limits.maxString)}…` : value);
    case 'number':
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `"${value}n"`;
    case 'undefined':
      return 'null';
    case 'symbol':
      return JSON.stringify(value.toString());
    case 'function':
      return JSON.stringify(`[function ${value.name || 'anonymous'}]`);
  }
  if (value === null) return 'null';
  const object = value as object;
  if (isActorRef(object)) return `{"$actor":${JSON.stringify(String(object.id))},"sessionId":${JSON.stringify(object.sessionId)}}`;
  if (object instanceof Error) return `{"name":${JSON.stringify(object.name)},"message":${write(object.message, limits, depth + 1, ancestors)}}`;
  if (object instanceof Date) return JSON.stringify(Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString());
  if (ancestors.includes(object)) return '"[circular]"';
  if (depth >= limits.maxDepth) return '"[…]"';
  ancestors.push(object);
  try {
    if (Array.isArray(object)) return writeList(object, limits, depth, ancestors);
    if (object instanceof Set) return writeList([...object], limits, depth, ancestors);
    if (object instanceof Map) return writeEntries([...object.entries()].map(([k, v]) => [String(k), v]), limits, depth, ancestors);
    return writeEntries(Object.entries(object), limits, depth, ancestors);
  } catch {
    return '"[unreadable]"';
  } finally {
    ancestors.pop();
  }
}

function writeList(items: readonly unknown[], limits: JsonLimits, depth: number, ancestors: object[]): string {
  const count = Math.min(items.length, limits.maxItems);
  let out = '[';
  for (let i = 0; i < count; i++) out += (i > 0 ? ',' : '') + write(items[i], limits, depth + 1, ancestors);
  if (items.length > count) out += `${count > 0 ? ',' : ''}"… ${items.length - count} more"`;
  return `${out}]`;
}

function writeEntries(entries: [string, unknown][], limits: JsonLimits, depth: number, ancestors: object[]): string {
  let out = '{';
  let kept = 0;
  for (const [key, item] of entries) {
    if (item === undefined) continue;
    if (kept === limits.maxKeys) {
      out += `${kept > 0 ? ',' : ''}"…":"${entries.length - kept} more keys"`;
      break;
    }
    out += `${kept > 0 ? ',' : ''}${JSON.stringify(key)}:${write(item, limits, depth + 1, ancestors)}`;
    kept += 1;
  }
  return `${out}}`;
}
