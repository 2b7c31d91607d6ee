/** Writes to standard output (the CLI's only way to print; library code logs with pino). */
export function writeOut(text: string): void {
  process.stdout.write(text);
}

/** Writes to standard error. */
export function writeErr(text: string): void {
  process.stderr.write(text);
}

/**
 * Formats rows as a plain text table with a header line.
 * @example formatTable(['state', 'tasks'], [['parked', '3']])
 */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n') + '\n';
}
