// node bin/run-ts.mjs bench/scale/chart.ts [--out docs/bench-scale.svg]
// Draws bench/scale/results.json (written by `npm run bench -- --scale N`) as a hand-written
// SVG: throughput, queue latency, heap and disk against N.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BEFORE_COUNTS_FILE, readResults } from './results-file.ts';
import type { ScaleResult } from './scale-result.ts';
import { formatNumber, renderPanel } from './svg-panel.ts';

const { values } = parseArgs({ options: { out: { type: 'string', default: resolve(import.meta.dirname, '../../docs/bench-scale.svg') } } });
const results = readResults();
if (results.length === 0) {
  process.stderr.write('no results in bench/scale/results.json: run npm run bench -- --scale 10000,100000,1000000\n');
  process.exit(2);
}
writeFileSync(values.out, renderScaleChart(results, readResults(BEFORE_COUNTS_FILE)));
process.stderr.write(`wrote ${values.out}\n`);

/**
 * The four panels of the scale chart, one SVG document.
 * @example writeFileSync('docs/bench-scale.svg', renderScaleChart(readResults()));
 */
export function renderScaleChart(results: readonly ScaleResult[], beforeCountsFix: readonly ScaleResult[] = []): string {
  const ns = results.map((r) => r.n);
  const per = (pick: (r: ScaleResult) => number) => results.map((r) => ({ x: r.n, y: pick(r) }));
  const listing = (filter: string, depth: (n: number) => number, kind = 'approvals', from: readonly ScaleResult[] = results) =>
    from.map((r) => ({ x: r.n, y: r.listing.find((f) => f.kind === kind && f.filter === filter && f.offset === depth(r.n))?.p50Ms ?? 0 }));
  const MiB = 2 ** 20;
  const common = { xTicks: ns, logX: true, width: 380, height: 220 };
  const panels = [
    renderPanel({
      ...common,
      left: 70,
      top: 60,
      title: 'Throughput (64 in flight, SQLite FULL)',
      yLabel: 'tasks/s',
      yMinTop: 3_000,
      series: [
        { name: 'park (submit → parked)', color: '#1f77b4', points: per((r) => r.park.perSecond) },
        { name: 'park, last 10 % of N', color: '#1f77b4', dashed: true, points: per((r) => r.park.checkpoints.at(-1)?.segmentPerSecond ?? 0) },
        { name: 'expire (sweeper)', color: '#d62728', points: per((r) => r.expire.perSecond) },
        { name: 'resume (approve → executed)', color: '#2ca02c', points: per((r) => r.resume.perSecond) },
      ],
    }),
    renderPanel({
      ...common,
      left: 560,
      top: 60,
      logY: true,
      title: 'A page of 50, p50 (one query in flight)',
      yLabel: 'ms (log)',
      series: [
        { name: 'status=pending, first page', color: '#2ca02c', points: listing('status=pending', () => 0) },
        ...(beforeCountsFix.length
          ? [{ name: 'the same before migration 4 (COUNT per page)', color: '#2ca02c', dashed: true, points: listing('status=pending', () => 0, 'approvals', beforeCountsFix) }]
          : []),
        { name: 'status=pending, last page (offset N−50)', color: '#1f77b4', points: listing('status=pending', (n) => n - 50) },
        { name: 'riskLevel=high (no index), page at N/2', color: '#d62728', points: listing('riskLevel=high', (n) => Math.floor(n / 2)) },
        { name: 'pending by urgency, first page', color: '#ff7f0e', points: listing('status=pending order=urgency', () => 0) },
        { name: 'pending by urgency, riskLevel=high, page at N/2', color: '#ff7f0e', dashed: true, points: listing('status=pending riskLevel=high order=urgency', (n) => Math.floor(n / 2)) },
        { name: 'pending by urgency, by cursor, last page', color: '#8c564b', points: listing('status=pending order=urgency', (n) => n - 50, 'approvals-after') },
        { name: 'tasks by cursor, deepest page', color: '#9467bd', points: listing('state=parked', (n) => n - 50, 'tasks') },
      ],
    }),
    renderPanel({
      left: 70,
      top: 380,
      width: 380,
      height: 220,
      title: 'Heap after GC while parking (x: share of N parked)',
      yLabel: 'MiB',
      xTicks: [0, 0.25, 0.5, 0.75, 1],
      formatX: (x) => `${Math.round(x * 100)} %`,
      yMinTop: 20,
      series: results.map((r, i) => ({
        name: `N = ${formatNumber(r.n)}`,
        color: ['#1f77b4', '#2ca02c', '#d62728', '#9467bd'][i % 4] as string,
        points: r.park.checkpoints.map((c) => ({ x: c.parked / r.n, y: c.heapUsedBytes / MiB })),
      })),
    }),
    renderPanel({
      ...common,
      left: 560,
      top: 380,
      logY: true,
      title: 'Database on disk after parking N',
      yLabel: 'MiB (log)',
      series: [
        {
          name: `SQLite file + WAL (${results.map((r) => `${Math.round(r.dbBytes.afterPark / r.n)}`).join(' / ')} bytes per task)`,
          color: '#8c564b',
          points: per((r) => r.dbBytes.afterPark / MiB),
        },
      ],
    }),
  ];
  const first = results[0] as ScaleResult;
  const caption = `Tollgate scale benchmark · ${first.cpus} cores · Node ${first.node} · SQLite WAL synchronous=${first.synchronous} · N = ${ns.map(formatNumber).join(', ')} parked; N/10 expired, N/10 resumed`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="980" height="650" viewBox="0 0 980 650">
<rect width="980" height="650" fill="#fff"/>
<text x="20" y="24" font-family="system-ui, sans-serif" font-size="13" fill="#333">${caption}</text>
${panels.join('\n')}
</svg>
`;
}
