import { cpus } from 'node:os';
import type { Figures } from '../figures.ts';
import { BENCH_STORES, type BenchOptions, type BenchStore, CONCURRENT, SEQUENTIAL, progress } from '../options.ts';
import { renderRatioTable } from '../peers/ratios.ts';
import { type PeerSide, runCell } from '../peers/run-cell.ts';
import { type FigureSet, jsonFigureSet, renderFiguresTable } from '../report.ts';
import { measureFloor, printTollgate, tollgateJson } from './lifecycle.ts';

type Cells = Record<PeerSide, { concurrent: Partial<Record<BenchStore, Figures>>; sequential: Partial<Record<BenchStore, Figures>> }>;

/**
 * `--peers`: the Tollgate lifecycle and the same workload on LangGraph.js (bench/peers/langgraph),
 * on memory and SQLite, at 64 and 1 in flight, with the same arguments and task counts. Each
 * cell runs in a fresh process, the two runtimes back to back, alternating which goes first
 * so that a drift in the machine's load favours neither. Prints both tables and the ratios;
 * with `--json`, the default JSON line plus `peers.langgraph`. With `equalDurability`
 * (`--equal-durability`), Tollgate's SQLite runs at `synchronous=NORMAL`, the level LangGraph's
 * `SqliteSaver` runs at, instead of its default `FULL`.
 * @example await run({ json: true, tasks: 20_000, sequentialTasks: 5_000 }, { equalDurability: false })
 */
export async function run(options: BenchOptions, mode: { equalDurability: boolean } = { equalDurability: false }): Promise<void> {
  const synchronous = mode.equalDurability ? 'NORMAL' : 'FULL';
  const floor = await measureFloor(options);
  const cells: Cells = { tollgate: { concurrent: {}, sequential: {} }, langgraph: { concurrent: {}, sequential: {} } };
  let sqliteSettings: Record<string, string> = {};
  let turn = 0;
  for (const store of BENCH_STORES) {
    for (const [shape, concurrency, tasks] of [
      ['concurrent', CONCURRENT, options.tasks],
      ['sequential', SEQUENTIAL, options.sequentialTasks],
    ] as const) {
      const order: PeerSide[] = turn % 2 === 0 ? ['tollgate', 'langgraph'] : ['langgraph', 'tollgate'];
      turn += 1;
      for (const side of order) {
        progress(`${side} ${store}: ${tasks} tasks, ${concurrency} in flight…`);
        const result = await runCell(side, store, { tasks, concurrency, synchronous });
        cells[side][shape][store] = result.figures;
        if (side === 'langgraph' && store === 'sqlite') sqliteSettings = result.settings;
      }
    }
  }
  const tollgate = figureSet(cells.tollgate);
  const langgraph = figureSet(cells.langgraph);

  process.stdout.write(`Tollgate's SQLite: synchronous=${synchronous}${mode.equalDurability ? ' (--equal-durability: the level of LangGraph\'s saver)' : ''}\n`);
  printTollgate(tollgate, floor);
  const pragmas = Object.entries(sqliteSettings).map(([key, value]) => `${key}=${value}`);
  process.stdout.write(`\nLangGraph.js, same workload (SqliteSaver: ${pragmas.join(', ')}):\n${renderFiguresTable(langgraph)}`);
  process.stdout.write(`\nTollgate against LangGraph.js (> 1× = Tollgate better):\n${renderRatioTable(tollgate, langgraph, 'text')}`);
  if (options.json) {
    const runInfo = { date: new Date().toISOString(), tollgate_sqlite_synchronous: synchronous, tasks: options.tasks, sequential_tasks: options.sequentialTasks, cpus: cpus().length, node: process.version };
    const peers = { langgraph: { ...jsonFigureSet(langgraph), settings: { sqlite: sqliteSettings } }, run: runInfo };
    const line = { ...tollgateJson(tollgate, floor), peers };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

function figureSet(side: Cells[PeerSide]): FigureSet {
  return { ...side.concurrent, sequential: side.sequential } as FigureSet;
}
