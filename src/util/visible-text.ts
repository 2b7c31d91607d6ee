/**
 * Characters a page or a terminal does not show as themselves: C0 and C1 controls and DEL (a
 * browser draws them as nothing or as an empty box; a terminal obeys them — escape sequences that
 * move the cursor, erase lines; carriage returns and newlines that overwrite or forge lines),
 * Unicode's line and paragraph separators, the invisible format characters (bidirectional
 * controls, zero-width characters, the BOM, the soft hyphen, the tag characters U+E0000–U+E007F
 * that spell hidden ASCII) and the Hangul fillers, letters that draw blank. Shared by the
 * visualizer and the CLI (`printable`, cli/output.ts).
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0]/gu;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** How `visibleText` treats line breaks, and what else it escapes. */
export interface VisibleTextOptions {
  /** Keep `\n` and `\t` as they are (prose, whose white space the page folds into spaces); default false. */
  prose?: boolean;
  /** Characters to escape besides the hidden ones (a global, unicode RegExp): the CLI's combining grapheme joiner. */
  alsoHidden?: RegExp;
}

/**
 * Text from an agent (a title, a description, a comment) as the page should show it to someone
 * deciding: every character that would hide itself or reorder what is around it is written as a
 * visible escape (`\u200b`, `\u202e`, `\x1b`, `\n`), the way the CLI writes it, and so are the
 * Cyrillic, Greek or Armenian letters of a word that has Latin ones (`p\u0430ypal.com`), so what
 * the approver reads is what was asked. The CLI writes its tables and views through it.
 * @example visibleText('Deploy\u200b docs') // 'Deploy\\u200b docs'
 * @example visibleText('pаypal.com') // 'p\\u0430ypal.com'
 */
export function visibleText(text: string, options: VisibleTextOptions = {}): string {
  const shown = unmaskWords(text, WORD, textEscape).replace(HIDDEN, (char) => {
    if (options.prose && (char === '\n' || char === '\t')) return char;
    const named = NAMED[char];
    if (named) return named;
    return textEscape(char);
  });
  // The escapes written so far are ASCII: a second pass cannot touch them.
  return options.alsoHidden ? shown.replace(options.alsoHidden, textEscape) : shown;
}

function textEscape(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${hex(code, 2)}`;
  return code <= 0xffff ? `\\u${hex(code, 4)}` : `\\u{${code.toString(16)}}`;
}

/**
 * A value as indented JSON whose hidden characters are JSON escapes (`"\u202e"`): it reads as
 * what it holds — a right-to-left override in an argument cannot turn `"invoice\u202efdp.exe"`
 * into `invoiceexe.pdf` on screen — and `JSON.parse` of it gives the same value back, so it can
 * be edited and sent (the reroute form starts from it). Look-alike words are unmasked as in
 * `visibleText`, with JSON escapes (`"p\u0430ypal.com"`).
 * @example visibleJson({ file: 'a\u202eb' }) // '{\n  "file": "a\\u202eb"\n}'
 */
export function visibleJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  // JSON.stringify escapes C0 controls inside strings: a raw line feed is the indentation's.
  return unmaskWords(text, JSON_WORD, jsonEscape).replace(HIDDEN, (char) => (char === '\n' ? char : jsonEscape(char)));
}

function jsonEscape(char: string): string {
  let escaped = '';
  for (let i = 0; i < char.length; i += 1) escaped += `\\u${hex(char.charCodeAt(i), 4)}`;
  return escaped;
}

/**
 * A word: letters, digits and `.@:/_-`, as the CLI's `printable` reads one, and the combining
 * marks that belong to its letters — else an invisible one (U+034F, a variation selector) would
 * cut `pаypal` into words of one script each. Every word is then tested on its own: one pass
 * over the text and one over each word, so the whole is linear, however long the text.
 */
const WORD = /[\p{L}\p{M}\p{N}.@:/_-]+/gu;
/** The same in JSON text, where an escape (`\n`, `\u200b`, `\\`) is no part of a word: its `n` or `u` is not a Latin letter. */
const JSON_WORD = /\\(?:u[0-9a-fA-F]{4}|[^u])|[\p{L}\p{M}\p{N}.@:/_-]+/gu;
const LATIN = /\p{Script=Latin}/u;
const LOOK_ALIKE = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}]/u;
const LOOK_ALIKES = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}]/gu;

/**
 * Look-alike words unmasked: in a word that mixes Latin letters with Cyrillic, Greek or Armenian
 * ones (`pаypal.com` with a Cyrillic `а`), those are written as escapes, so that it cannot pass
 * for the word it imitates; a word wholly in one script is left as it is. The CLI does the same.
 */
function unmaskWords(text: string, word: RegExp, escaped: (char: string) => string): string {
  return text.replace(word, (found) => (found.charCodeAt(0) !== 0x5c && LATIN.test(found) && LOOK_ALIKE.test(found) ? found.replace(LOOK_ALIKES, escaped) : found));
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}
