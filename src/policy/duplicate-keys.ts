/** A key that an object of a JSON text names twice. */
export interface DuplicateKey {
  /** The JSON path of the second occurrence, dotted (`autonomy.company`). */
  path: string;
  /** Where the second occurrence starts in the text (UTF-16 offset). */
  offset: number;
}

/**
 * The first key named twice in one object of a JSON text, or null. `JSON.parse` keeps the last
 * one without a word, so a policy reviewed as `"company": "locked"` could run as the `"full"`
 * written below it; a policy file must say each thing once. The text must already be valid JSON
 * (parse it first): this scanner reads keys and structure only, with its own stack, so deep
 * nesting cannot overflow the call stack.
 * @example findDuplicateKey('{"a":{"b":1,"b":2}}') // { path: 'a.b', offset: 12 }
 */
export function findDuplicateKey(text: string): DuplicateKey | null {
  // One frame per open object or array: the keys seen so far (objects), the key or index being read.
  const stack: Array<{ keys: Set<string> | null; at: string }> = [];
  let index = 0;
  const readString = (): string => {
    const start = index;
    index += 1;
    while (text.charCodeAt(index) !== 0x22) index += text.charCodeAt(index) === 0x5c ? 2 : 1;
    index += 1;
    return JSON.parse(text.slice(start, index)) as string;
  };
  while (index < text.length) {
    const c = text[index];
    if (c === '{' || c === '[') {
      stack.push({ keys: c === '{' ? new Set() : null, at: c === '[' ? '0' : '' });
      index += 1;
    } else if (c === '}' || c === ']') {
      stack.pop();
      index += 1;
    } else if (c === ',') {
      const top = stack.at(-1);
      if (top?.keys === null) top.at = String(Number(top.at) + 1);
      index += 1;
    } else if (c === '"') {
      const start = index;
      const value = readString();
      const top = stack.at(-1);
      let next = index;
      while (/\s/.test(text[next] ?? '')) next += 1;
      if (top?.keys && text[next] === ':') {
        if (top.keys.has(value)) return { path: [...stack.slice(0, -1).map((frame) => frame.at), value].join('.'), offset: start };
        top.keys.add(value);
        top.at = value;
      }
    } else {
      index += 1;
    }
  }
  return null;
}
