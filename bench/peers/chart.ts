// node bin/run-ts.mjs bench/peers/chart.ts [RESULTS] [SVG]
// Draws docs/bench-peers.svg from the JSON line of `npm run bench -- --peers --json` (RESULTS:
// a file holding that output, or only its last line; default bench/peers/results.json) and
// prints the ratio table as Markdown, for the README.
import { readFileSync, writeFileSync } from 'node:fs';
import type { FigureSet } from '../report.ts';
import { renderRatioChart } from './ratio-chart.ts';
import { renderRatioTable } from './ratios.ts';

/** The parts of the `--peers --json` line the chart reads. */
interface PeersLine extends FigureSet {
  peers: { langgraph: FigureSet & { settings?: { sqlite?: Record<string, string> } }; run?: { date?: string; tasks?: number; sequential_tasks?: number; cpus?: number; node?: string } };
}

const [resultsPath = 'bench/peers/results.json', svgPath = 'docs/bench-peers.svg'] = process.argv.slice(2);
const line = readFileSync(resultsPath, 'utf8')
  .trim()
  .split('\n')
  .reverse()
  .map((text) => {
    try {
      return JSON.parse(text) as PeersLine;
    } catch {
      return undefined;
    }
  })
  .find((parsed) => parsed?.peers?.langgraph !== undefined);
if (!line) {
  process.stderr.write(`${resultsPath} holds no JSON line with "peers" (run: npm run bench -- --peers --json)\n`);
  process.exit(2);
}
const run = line.peers.run ?? {};
const pragmas = Object.entries(line.peers.langgraph.settings?.sqlite ?? {}).map(([key, value]) => `${key}=${value}`);
const notes = [
  [
    run.date && `One run of ${run.date.slice(0, 10)}, both runtimes on the same machine`,
    run.tasks && `${run.tasks.toLocaleString('en')} tasks per phase at 64 in flight, ${run.sequential_tasks?.toLocaleString('en')} at 1`,
    run.cpus && `${run.cpus} cores (shared), Node ${run.node}`,
  ]
    .filter(Boolean)
    .join(' · '),
  `SQLite: Tollgate WAL + synchronous=FULL, group commit · LangGraph SqliteSaver as shipped: ${pragmas.join(', ') || 'n/a'}`,
];
writeFileSync(svgPath, renderRatioChart(line, line.peers.langgraph, notes));
process.stderr.write(`wrote ${svgPath}\n`);
process.stdout.write(renderRatioTable(line, line.peers.langgraph, 'markdown'));
