/**
 * Characters a page does not show as themselves: C0 and C1 controls and DEL (a browser draws
 * them as nothing or as an empty box), Unicode's line and paragraph separators, the invisible
 * format characters (bidirectional controls, zero-width characters, the BOM, the soft hyphen,
 * the tag characters U+E0000–U+E007F that spell hidden ASCII) and the Hangul fillers, letters
 * that draw blank. The same set as the CLI's `printable`, and the format characters beyond it.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0]/gu;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** How `visibleText` treats line breaks. */
export interface VisibleTextOptions {
  /** Keep `\n` and `\t` as they are (prose, whose white space the page folds into spaces); default false. */
  prose?: boolean;
}

/**
 * Text from an agent (a title, a description, a comment) as the page should show it to someone
 * deciding: every character that would hide itself or reorder what is around it is written as a
 * visible escape (`\u200b`, `\u202e`, `\x1b`, `\n`), the way the CLI writes it, so what the
 * approver reads is what was asked.
 * @example visibleText('Deploy\u200b docs') // 'Deploy\\u200b docs'
 */
export function visibleText(text: string, options: VisibleTextOptions = {}): string {
  return text.replace(HIDDEN, (char) => {
    if (options.prose && (char === '\n' || char === '\t')) return char;
    const named = NAMED[char];
    if (named) return named;
    const code = char.codePointAt(0) ?? 0;
    if (code <= 0xff) return `\\x${hex(code, 2)}`;
    return code <= 0xffff ? `\\u${hex(code, 4)}` : `\\u{${code.toString(16)}}`;
  });
}

/**
 * A value as indented JSON whose hidden characters are JSON escapes (`"\u202e"`): it reads as
 * what it holds — a right-to-left override in an argument cannot turn `"invoice\u202efdp.exe"`
 * into `invoiceexe.pdf` on screen — and `JSON.parse` of it gives the same value back, so it can
 * be edited and sent (the reroute form starts from it).
 * @example visibleJson({ file: 'a\u202eb' }) // '{\n  "file": "a\\u202eb"\n}'
 */
export function visibleJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  // JSON.stringify escapes C0 controls inside strings: a raw line feed is the indentation's.
  return text.replace(HIDDEN, (char) => {
    if (char === '\n') return char;
    let escaped = '';
    for (let i = 0; i < char.length; i += 1) escaped += `\\u${hex(char.charCodeAt(i), 4)}`;
    return escaped;
  });
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}
