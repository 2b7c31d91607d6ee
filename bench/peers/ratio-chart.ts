import type { FigureSet } from '../report.ts';
import { RATIO_COLUMNS, RATIO_ROWS, columnFigures, formatRatio, ratioOf } from './ratios.ts';

/** One colour per column (store × concurrency), readable on white and in grey print. */
const COLOURS = ['#9ecae1', '#08519c', '#fdae6b', '#a63603'] as const;

const WIDTH = 1000;
const LABEL_W = 260;
const PLOT_W = 560;
const BAR_H = 10;
const ROW_GAP = 14;
const HEADER_LINE = 18;
const ROW_H = RATIO_COLUMNS.length * BAR_H + ROW_GAP;
/** Where the bars start, below the title, `notes` lines of subtitle, the reading hint and the legend. */
const top = (notes: number) => 44 + (notes + 1) * HEADER_LINE + 30;

/**
 * A horizontal bar chart of the Tollgate ÷ peer ratios as hand-written SVG: one group of bars
 * per figure, one bar per store and concurrency, on a log scale with parity (1×) and the
 * issue's target (20×) marked. Bars grow right of 1× where Tollgate is better, left where
 * the peer is.
 * @example writeFileSync('docs/bench-peers.svg', renderRatioChart(tollgate, langgraph, ['one run, 2 cores']))
 */
export function renderRatioChart(tollgate: FigureSet, peer: FigureSet, notes: readonly string[]): string {
  const TOP = top(notes.length);
  const legendY = TOP - 20;
  const cells = RATIO_ROWS.map((row) => RATIO_COLUMNS.map((column) => ratioOf(row, columnFigures(tollgate, column), columnFigures(peer, column))));
  const values = cells.flat().map((r) => r.value).filter(Number.isFinite);
  const lo = 10 ** Math.floor(Math.log10(Math.min(0.5, ...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(30, ...values)));
  const x = (v: number) => LABEL_W + ((Math.log10(Math.min(Math.max(v, lo), hi)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * PLOT_W;
  const height = TOP + RATIO_ROWS.length * ROW_H + 40;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="16" y="24" font-size="16" font-weight="600">Tollgate against LangGraph.js — the same approval-gate workload</text>`,
    ...[...notes, 'Throughput: Tollgate ÷ LangGraph. Latency and heap: LangGraph ÷ Tollgate. Right of 1× = Tollgate better (log scale).'].map(
      (note, i) => `<text x="16" y="${44 + i * HEADER_LINE}" fill="#555">${escapeXml(note)}</text>`,
    ),
  ];
  RATIO_COLUMNS.forEach((column, i) => {
    const lx = LABEL_W + i * 150;
    out.push(
      `<rect x="${lx}" y="${legendY - 9}" width="12" height="10" fill="${COLOURS[i]}"/>`,
      `<text x="${lx + 16}" y="${legendY}">${column.label} in flight</text>`,
    );
  });
  for (let decade = lo; decade <= hi * 1.0001; decade *= 10) {
    const gx = x(decade).toFixed(1);
    out.push(
      `<line x1="${gx}" y1="${TOP - 4}" x2="${gx}" y2="${height - 34}" stroke="#e5e5e5"/>`,
      `<text x="${gx}" y="${height - 20}" text-anchor="middle" fill="#555">${formatTick(decade)}</text>`,
    );
  }
  for (const [value, label, colour] of [
    [1, 'parity', '#333'],
    [20, 'target 20×', '#c00'],
  ] as const) {
    const gx = x(value).toFixed(1);
    out.push(
      `<line x1="${gx}" y1="${TOP - 4}" x2="${gx}" y2="${height - 34}" stroke="${colour}" stroke-dasharray="${value === 1 ? '0' : '4 3'}"/>`,
      `<text x="${gx}" y="${height - 6}" text-anchor="middle" fill="${colour}">${label}</text>`,
    );
  }
  RATIO_ROWS.forEach((row, r) => {
    const y0 = TOP + r * ROW_H;
    out.push(`<text x="${LABEL_W - 10}" y="${y0 + (RATIO_COLUMNS.length * BAR_H) / 2 + 4}" text-anchor="end">${escapeXml(row.label)}</text>`);
    cells[r]?.forEach((ratio, c) => {
      const y = y0 + c * BAR_H;
      const [a, b] = [x(1), x(ratio.value)].sort((p, q) => p - q) as [number, number];
      out.push(
        `<rect x="${a.toFixed(1)}" y="${y}" width="${Math.max(1, b - a).toFixed(1)}" height="${BAR_H - 2}" fill="${COLOURS[c]}"/>`,
        `<text x="${(Math.max(a, b) + 4).toFixed(1)}" y="${y + BAR_H - 2}" font-size="9" fill="#333">${escapeXml(formatRatio(ratio))}</text>`,
      );
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function formatTick(value: number): string {
  return `${value >= 1 ? value.toFixed(0) : value.toString()}×`;
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
