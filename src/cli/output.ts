/** Writes to standard output (the CLI's only way to print; library code logs with pino). */
export function writeOut(text: string): void {
  process.stdout.write(text);
}

/** Writes to standard error. */
export function writeErr(text: string): void {
  process.stderr.write(text);
}

/**
 * Characters a terminal does not simply print: controls (C0, C1, DEL: escape sequences that move
 * the cursor, erase lines, recolour, retitle the window; carriage returns and newlines that
 * overwrite or forge lines), line and paragraph separators, and the invisible characters that
 * reorder or hide text: format characters (bidirectional controls, zero-width characters, the
 * BOM, soft hyphens, tag characters), the combining grapheme joiner and the Hangul fillers. The
 * visualizer escapes the same ones (visualizer/src/logic/visible-text.ts).
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0]|\u034f/gu;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text as a terminal should show it to someone deciding: every character that would act on the
 * terminal or hide itself instead of being read is written as a visible escape (`\x1b`, `\n`,
 * `\u202e`). Titles, reasons, arguments and comments come from agents and executors: an
 * approver reads exactly what was asked, never a line an escape sequence drew over it.
 * @example printable('ok\x1b[2K\rDeploy docs') // 'ok\\x1b[2K\\rDeploy docs'
 */
export function printable(text: string): string {
  // Words first: an escape written for a hidden character (`\u200b`) must not make the word beside it look mixed.
  return text.replace(WORD, unmasked).replace(UNPRINTABLE, escaped);
}

function escaped(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * A word of letters, their combining marks, digits and `.-_@:/` (one pass: each word is then
 * tested on its own, so the whole is linear). Marks belong to the word: an invisible one
 * (U+034F) must not cut a look-alike into parts that are each of one script.
 */
const WORD = /[\p{L}\p{M}\p{N}.@:/_-]+/gu;
const LATIN = /\p{Script=Latin}/u;
const LOOK_ALIKE = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}]/gu;

/**
 * A word that mixes Latin letters with Cyrillic, Greek or Armenian ones is a look-alike
 * (`pаypal.com` with a Cyrillic `а`): its non-Latin letters are written as escapes so that it
 * cannot pass for the word it imitates. Words wholly in one script are left as they are.
 */
function unmasked(word: string): string {
  LOOK_ALIKE.lastIndex = 0;
  return LATIN.test(word) && LOOK_ALIKE.test(word) ? word.replace(LOOK_ALIKE, escaped) : word;
}

/**
 * Formats rows as a plain text table with a header line; every cell {@link printable}.
 * @example formatTable(['state', 'tasks'], [['parked', '3']])
 */
export function formatTable(header: string[], rows: string[][]): string {
  const shown = rows.map((row) => row.map(printable));
  const widths = header.map((title, column) => Math.max(title.length, ...shown.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...shown.map(line)].join('\n') + '\n';
}

/**
 * Formats `name: value` lines, names aligned; every value {@link printable}.
 * @example formatFields([['id', task.id], ['state', task.state]]) // 'id:     …\nstate:  parked\n'
 */
export function formatFields(fields: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(0, ...fields.map(([name]) => name.length));
  return `${fields.map(([name, value]) => `${`${name}:`.padEnd(width + 2)}${printable(value)}`).join('\n')}\n`;
}
