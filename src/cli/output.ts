import { visibleText } from '../util/visible-text.ts';

/** Writes to standard output (the CLI's only way to print; library code logs with pino). */
export function writeOut(text: string): void {
  process.stdout.write(text);
}

/** Writes to standard error. */
export function writeErr(text: string): void {
  process.stderr.write(text);
}

/**
 * The combining grapheme joiner: invisible, and in a terminal kept out of sight no less than the
 * hidden characters `visibleText` escapes.
 */
const GRAPHEME_JOINER = /\u034f/gu;

/**
 * Text as a terminal should show it to someone deciding: every character that would act on the
 * terminal or hide itself instead of being read is written as a visible escape (`\x1b`, `\n`,
 * `\u202e`), and look-alike words are unmasked (`p\u0430ypal.com`) — `visibleText`, as the
 * visualizer shows the same text. Titles, reasons, arguments and comments come from agents and
 * executors: an approver reads exactly what was asked, never a line an escape sequence drew over it.
 * @example printable('ok\x1b[2K\rDeploy docs') // 'ok\\x1b[2K\\rDeploy docs'
 */
export function printable(text: string): string {
  return visibleText(text, { alsoHidden: GRAPHEME_JOINER });
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
