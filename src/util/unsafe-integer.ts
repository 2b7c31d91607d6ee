/** Cheap first look: no run of 16 digits, no integer beyond 2^53 − 1 (9007199254740991 has 16). */
const LONG_DIGITS = /\d{16}/;
/** A JSON number token, read where one starts. */
const NUMBER_TOKEN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Where a JSON body holds an integer literal that a double cannot keep (beyond 2^53 − 1, such as
 * a 64-bit id), as the path of the first such number in `json` (its parse), or null. JSON.parse
 * rounds it silently — `1234567890123456789` becomes `1234567890123456800` — so the task, its
 * approver and its executor would see another value than the agent sent. Numbers written as
 * decimals or with an exponent are floats by their writer's choice and are left alone.
 * @example unsafeIntegerAt(JSON.parse(text), text) // 'args.messageId' for {"args":{"messageId":1234567890123456789}}
 */
export function unsafeIntegerAt(json: unknown, text: string): string | null {
  const values = unsafeIntegerLiterals(text);
  return values.size === 0 ? null : firstPathOf(json, values);
}

/** The values (as parsed) of the integer literals outside strings that are not safe integers. */
function unsafeIntegerLiterals(text: string): Set<number> {
  const found = new Set<number>();
  if (!LONG_DIGITS.test(text)) return found;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string, escapes included: digits in it are text.
      for (i += 1; i < text.length && text.charCodeAt(i) !== QUOTE; i += 1) if (text.charCodeAt(i) === BACKSLASH) i += 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      NUMBER_TOKEN.lastIndex = i;
      const token = NUMBER_TOKEN.exec(text)?.[0];
      if (token === undefined) continue;
      if (!/[.eE]/.test(token) && !Number.isSafeInteger(Number(token))) found.add(Number(token));
      i += token.length - 1;
    }
  }
  return found;
}

/** Depth-first, in document order, with its own stack: a parse nested deeper than the call stack is fine. */
function firstPathOf(json: unknown, values: Set<number>): string | null {
  const stack: Array<[unknown, string]> = [[json, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'number' && values.has(value)) return path || '(root)';
    if (value === null || typeof value !== 'object') continue;
    const entries = Object.entries(value);
    for (let n = entries.length - 1; n >= 0; n -= 1) {
      const [key, item] = entries[n]!;
      stack.push([item, path ? `${path}.${key}` : key]);
    }
  }
  return null;
}
