import { FIGURE_KEYS, type Figures } from './figures.ts';
import type { BenchStore } from './options.ts';

/** Figures of one runtime: 64 in flight per store, and 1 in flight under `sequential`. */
export type FigureSet = Record<BenchStore, Figures> & { sequential: Record<BenchStore, Figures> };

/** The figures a JSON line reports, in a fixed key order. */
export function jsonFigures(figures: Figures): Figures {
  return Object.fromEntries(FIGURE_KEYS.map((key) => [key, figures[key]])) as unknown as Figures;
}

/** {@link FigureSet} as it goes into the JSON line. */
export function jsonFigureSet(set: FigureSet): FigureSet {
  return {
    memory: jsonFigures(set.memory),
    sqlite: jsonFigures(set.sqlite),
    sequential: { memory: jsonFigures(set.sequential.memory), sqlite: jsonFigures(set.sequential.sqlite) },
  };
}

/**
 * The lifecycle table of one runtime: a row per store and concurrency.
 * @example process.stdout.write(renderFiguresTable(tollgate))
 */
export function renderFiguresTable(set: FigureSet): string {
  const rows: string[][] = [];
  for (const [label, byStore] of [['64 in flight', set], ['1 in flight', set.sequential]] as const) {
    for (const store of ['memory', 'sqlite'] as const) {
      const f = byStore[store];
      rows.push([
        store,
        label,
        String(f.auto_per_s),
        String(f.park_per_s),
        String(f.resume_per_s),
        `${f.park_p50_ms} / ${f.park_p99_ms}`,
        `${f.resume_p50_ms} / ${f.resume_p99_ms}`,
        String(f.heap_bytes_per_parked),
      ]);
    }
  }
  return renderTable(['store', 'concurrency', 'auto/s', 'park/s', 'resume/s', 'park p50/p99 ms', 'resume p50/p99 ms', 'heap B/parked'], rows);
}

/** A plain-text table, columns padded to their widest cell. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n')}\n`;
}
