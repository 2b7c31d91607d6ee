import type { ScaleResult } from './scale-result.ts';

const MiB = 2 ** 20;

/**
 * The scale results as a plain-text table, one column per N.
 * @example process.stdout.write(renderScaleTable(readResults()));
 */
export function renderScaleTable(results: readonly ScaleResult[]): string {
  const rows: Array<[string, (r: ScaleResult) => string]> = [
    ['park: tasks/s', (r) => String(r.park.perSecond)],
    ['park: time s', (r) => String(r.park.seconds)],
    ['park: p50 / p99 ms', (r) => `${r.park.p50Ms} / ${r.park.p99Ms}`],
    ['park: last 10% tasks/s', (r) => String(r.park.checkpoints.at(-1)?.segmentPerSecond ?? 0)],
    ['heap after GC: min–max MiB', (r) => heapRange(r)],
    ['db on disk MiB (after park)', (r) => (r.dbBytes.afterPark / MiB).toFixed(0)],
    ['db bytes per task', (r) => String(Math.round(r.dbBytes.afterPark / r.n))],
    ...listingRows(results),
    ['expire: count', (r) => String(r.expire.count)],
    ['expire: tasks/s', (r) => String(r.expire.perSecond)],
    ['expire: sweep of 500 p50 / p99 ms', (r) => `${r.expire.p50Ms} / ${r.expire.p99Ms}`],
    ['resume: count', (r) => String(r.resume.count)],
    ['resume: tasks/s', (r) => String(r.resume.perSecond)],
    ['resume: p50 / p99 ms', (r) => `${r.resume.p50Ms} / ${r.resume.p99Ms}`],
    ['heap after resume MiB', (r) => (r.resume.heapUsedBytesAfter / MiB).toFixed(1)],
    ['reopen + recover s', (r) => String(r.reopenSeconds)],
    ['audit verify s (entries)', (r) => `${r.audit.seconds} (${r.audit.entries})`],
  ];
  const header = ['N', ...results.map((r) => r.n.toLocaleString('en'))];
  const body = rows.map(([label, cell]) => [label, ...results.map(cell)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const format = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return `${[format(header), format(widths.map((w) => '-'.repeat(w))), ...body.map(format)].join('\n')}\n`;
}

function heapRange(r: ScaleResult): string {
  const heaps = r.park.checkpoints.slice(1).map((c) => c.heapUsedBytes / MiB);
  return `${Math.min(...heaps).toFixed(1)}–${Math.max(...heaps).toFixed(1)}`;
}

/** One row per listing query, labelled by depth relative to N (first, 1000, middle, last). */
function listingRows(results: readonly ScaleResult[]): Array<[string, (r: ScaleResult) => string]> {
  const first = results[0];
  if (!first) return [];
  return first.listing.map((figure) => {
    const depth = depthName(figure.offset, first.n);
    return [
      `list ${figure.kind} ${figure.filter} ${depth} p50/p99 ms`,
      (r: ScaleResult) => {
        // By what was listed, not by position: a run from before a query was added lacks its rows.
        const f = r.listing.find((g) => g.kind === figure.kind && g.filter === figure.filter && depthName(g.offset, r.n) === depth);
        return f ? `${f.p50Ms} / ${f.p99Ms}` : '';
      },
    ];
  });
}

function depthName(offset: number, n: number): string {
  if (offset === 0) return 'first page';
  if (offset === 1_000) return '@1000';
  if (offset === Math.floor(n / 2)) return '@N/2';
  return 'last page';
}
