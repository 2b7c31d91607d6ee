/**
 * Where a JSON text first breaks the grammar, for error messages: V8 names a position for some
 * mistakes and none for others (a trailing comma, `[1,]`, the most common one in a hand-edited
 * file). A scanner of the grammar alone — no values are built — with its own stack, so deep
 * nesting cannot overflow the call stack.
 * @example jsonErrorOffset('[1,]') // 3: the `]` where a value was due
 */
export function jsonErrorOffset(text: string): number | null {
  const stack: Array<'object' | 'array'> = [];
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i += 1;
  };
  /** Scans one scalar at i; false when there is none. */
  const scalar = (): boolean => {
    const c = text[i];
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return true;
      }
    }
    const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    match.lastIndex = i;
    if (c !== undefined && (c === '-' || (c >= '0' && c <= '9')) && match.test(text)) {
      i = match.lastIndex;
      return true;
    }
    return false;
  };
  const string = (): boolean => {
    i += 1;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i += 1;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else return false;
      } else i += 1;
    }
    return false;
  };
  // What is due next: a value, an object member ("key": value), or what follows a value.
  let due: 'value' | 'member' | 'next' = 'value';
  for (;;) {
    ws();
    if (due === 'member') {
      if (text[i] !== '"' || !string()) return i;
      ws();
      if (text[i] !== ':') return i;
      i += 1;
      ws();
      due = 'value';
    }
    if (due === 'value') {
      const c = text[i];
      if (c === '{' || c === '[') {
        i += 1;
        ws();
        if (text[i] === (c === '{' ? '}' : ']')) {
          i += 1;
          due = 'next';
        } else {
          stack.push(c === '{' ? 'object' : 'array');
          due = c === '{' ? 'member' : 'value';
        }
        continue;
      }
      if (!scalar()) return i;
      due = 'next';
      continue;
    }
    const open = stack[stack.length - 1];
    if (open === undefined) return i === text.length ? null : i;
    if (text[i] === ',') {
      i += 1;
      due = open === 'object' ? 'member' : 'value';
    } else if (text[i] === (open === 'object' ? '}' : ']')) {
      stack.pop();
      i += 1;
    } else return i;
  }
}

/**
 * The 1-based line and column of an offset in a text.
 * @example lineAndColumn('a\nbc', 3) // { line: 2, column: 2 }
 */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}
