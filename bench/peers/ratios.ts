import type { Figures } from '../figures.ts';
import type { BenchStore } from '../options.ts';
import { type FigureSet, renderTable } from '../report.ts';

/** One compared figure: throughput is better higher, latency and heap better lower. */
export interface RatioRow {
  key: keyof Figures;
  label: string;
  better: 'higher' | 'lower';
}

/** The rows of the ratio table and chart, in order. */
export const RATIO_ROWS: readonly RatioRow[] = [
  { key: 'auto_per_s', label: 'auto tasks/s', better: 'higher' },
  { key: 'park_per_s', label: 'park tasks/s', better: 'higher' },
  { key: 'resume_per_s', label: 'resume tasks/s', better: 'higher' },
  { key: 'auto_p50_ms', label: 'auto p50', better: 'lower' },
  { key: 'auto_p99_ms', label: 'auto p99', better: 'lower' },
  { key: 'park_p50_ms', label: 'park p50', better: 'lower' },
  { key: 'park_p99_ms', label: 'park p99', better: 'lower' },
  { key: 'resume_p50_ms', label: 'resume p50', better: 'lower' },
  { key: 'resume_p99_ms', label: 'resume p99', better: 'lower' },
  { key: 'heap_bytes_per_parked', label: 'heap B/parked', better: 'lower' },
];

/** The columns: a store at a concurrency. */
export interface RatioColumn {
  store: BenchStore;
  inFlight: 64 | 1;
  label: string;
}

export const RATIO_COLUMNS: readonly RatioColumn[] = [
  { store: 'memory', inFlight: 64, label: 'memory, 64' },
  { store: 'sqlite', inFlight: 64, label: 'sqlite, 64' },
  { store: 'memory', inFlight: 1, label: 'memory, 1' },
  { store: 'sqlite', inFlight: 1, label: 'sqlite, 1' },
];

/**
 * Below this many bytes a heap-per-parked-task reading is measurement noise (the sampled
 * latencies alone take 8 B a task). A reading under it is divided as this much, and the ratio
 * shown as a bound: `≥` when only Tollgate's is noise, `≤` when only the peer's is, `≈ 0 B`
 * when both are.
 */
export const HEAP_NOISE_BYTES = 64;

/** How many times better Tollgate is on one figure (> 1: Tollgate better). */
export interface Ratio {
  value: number;
  /** `exact`, or which side of `value` the true ratio lies on when a reading is noise. */
  bound: 'exact' | 'atLeast' | 'atMost' | 'bothNoise';
}

/**
 * Tollgate ÷ peer for throughput, peer ÷ Tollgate for latency and heap.
 * @example ratioOf(RATIO_ROWS[0], tollgate.sqlite, langgraph.sqlite).value // e.g. 4.2
 */
export function ratioOf(row: RatioRow, tollgate: Figures, peer: Figures): Ratio {
  let ours = tollgate[row.key];
  let theirs = peer[row.key];
  let bound: Ratio['bound'] = 'exact';
  if (row.key === 'heap_bytes_per_parked') {
    const oursNoise = ours < HEAP_NOISE_BYTES;
    const theirsNoise = theirs < HEAP_NOISE_BYTES;
    if (oursNoise && theirsNoise) return { value: 1, bound: 'bothNoise' };
    if (oursNoise) [ours, bound] = [HEAP_NOISE_BYTES, 'atLeast'];
    if (theirsNoise) [theirs, bound] = [HEAP_NOISE_BYTES, 'atMost'];
  }
  const [numerator, denominator] = row.better === 'higher' ? [ours, theirs] : [theirs, ours];
  return { value: denominator > 0 ? numerator / denominator : Number.POSITIVE_INFINITY, bound };
}

/** The figures of one column. */
export function columnFigures(set: FigureSet, column: RatioColumn): Figures {
  return column.inFlight === 64 ? set[column.store] : set.sequential[column.store];
}

/** `4.2×`, `≥ 81×`, `0.8×`, `≈ 0 B both`. */
export function formatRatio(ratio: Ratio): string {
  const { value, bound } = ratio;
  if (bound === 'bothNoise') return '≈ 0 B both';
  const digits = value >= 10 ? 0 : value >= 1 ? 1 : 2;
  const prefix = bound === 'atLeast' ? '≥ ' : bound === 'atMost' ? '≤ ' : '';
  return `${prefix}${value.toFixed(digits)}×`;
}

/**
 * The ratio table, Tollgate against a peer, as text or as a Markdown table.
 * @example process.stdout.write(renderRatioTable(tollgate, langgraph, 'text'))
 */
export function renderRatioTable(tollgate: FigureSet, peer: FigureSet, format: 'text' | 'markdown'): string {
  const header = ['figure', ...RATIO_COLUMNS.map((c) => `${c.label} in flight`)];
  const rows = RATIO_ROWS.map((row) => [
    `${row.label} (${row.better === 'higher' ? 'Tollgate ÷ LangGraph' : 'LangGraph ÷ Tollgate'})`,
    ...RATIO_COLUMNS.map((column) => formatRatio(ratioOf(row, columnFigures(tollgate, column), columnFigures(peer, column)))),
  ]);
  if (format === 'text') return renderTable(header, rows);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return `${[line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')}\n`;
}
