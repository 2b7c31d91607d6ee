/** One line of a panel. */
export interface Series {
  name: string;
  color: string;
  points: Array<{ x: number; y: number }>;
  dashed?: boolean;
}

/** A small line chart inside a larger SVG. */
export interface Panel {
  left: number;
  top: number;
  width: number;
  height: number;
  title: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  logY?: boolean;
  /** Tick values on x (shown with `formatX`). */
  xTicks: number[];
  formatX?: (x: number) => string;
  /** y from 0 unless logY; a floor for the top of the axis. */
  yMinTop?: number;
}

const FONT = 'font-family="system-ui, sans-serif"';

/**
 * Renders a panel (axes, grid, ticks, lines with points, legend) as SVG elements, no
 * dependencies: the chart is data drawn by hand.
 * @example svg += renderPanel({ left: 60, top: 40, width: 380, height: 220, title: 'tasks/s', … });
 */
export function renderPanel(panel: Panel): string {
  const { left, top, width, height } = panel;
  const all = panel.series.flatMap((s) => s.points);
  const tx = scale(panel.xTicks.length ? panel.xTicks : all.map((p) => p.x), panel.logX ?? false, left, left + width);
  const ys = all.map((p) => p.y).filter((y) => !panel.logY || y > 0);
  const yMax = Math.max(panel.yMinTop ?? 0, ...ys) * (panel.logY ? 2 : 1.1);
  const yMin = panel.logY ? Math.max(Math.min(...ys) / 2, 1e-3) : 0;
  const ty = scale([yMin, yMax], panel.logY ?? false, top + height, top);
  const out: string[] = [];
  out.push(`<text x="${left}" y="${top - 12}" ${FONT} font-size="14" font-weight="600">${escapeXml(panel.title)}</text>`);
  out.push(`<text x="${left - 44}" y="${top + height / 2}" ${FONT} font-size="11" fill="#555" transform="rotate(-90 ${left - 44} ${top + height / 2})" text-anchor="middle">${escapeXml(panel.yLabel)}</text>`);
  for (const tick of yTicks(yMin, yMax, panel.logY ?? false)) {
    const y = ty(tick);
    out.push(`<line x1="${left}" x2="${left + width}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${y + 4}" ${FONT} font-size="10" fill="#555" text-anchor="end">${formatNumber(tick)}</text>`);
  }
  for (const tick of panel.xTicks) {
    const x = tx(tick);
    out.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${top + height}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${x}" y="${top + height + 14}" ${FONT} font-size="10" fill="#555" text-anchor="middle">${escapeXml((panel.formatX ?? formatNumber)(tick))}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#999"/>`);
  panel.series.forEach((series, index) => {
    const points = series.points.filter((p) => !panel.logY || p.y > 0);
    const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(tx(p.x))},${round(ty(p.y))}`).join(' ');
    out.push(`<path d="${path}" fill="none" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    for (const p of points) out.push(`<circle cx="${round(tx(p.x))}" cy="${round(ty(p.y))}" r="3" fill="${series.color}"/>`);
    const ly = top + 14 + index * 14;
    out.push(`<line x1="${left + 8}" x2="${left + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    out.push(`<text x="${left + 28}" y="${ly}" ${FONT} font-size="10">${escapeXml(series.name)}</text>`);
  });
  return out.join('\n');
}

function scale(domain: number[], log: boolean, from: number, to: number): (v: number) => number {
  const f = log ? Math.log10 : (v: number) => v;
  const lo = f(Math.min(...domain));
  const hi = f(Math.max(...domain));
  const span = hi - lo || 1;
  return (v: number) => from + ((f(v) - lo) / span) * (to - from);
}

function yTicks(min: number, max: number, log: boolean): number[] {
  if (log) {
    const ticks: number[] = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e += 1) {
      const v = 10 ** e;
      if (v >= min && v <= max) ticks.push(v);
    }
    return ticks;
  }
  const step = niceStep(max / 5);
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** 1,500 → "1.5k", 0.25 → "0.25". */
export function formatNumber(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(+v.toPrecision(3));
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
