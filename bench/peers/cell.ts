// node --expose-gc bin/run-ts.mjs bench/peers/cell.ts --side langgraph --store sqlite --concurrency 64 --tasks 20000 [--synchronous NORMAL]
// One cell of the peer comparison — one runtime, one store, one concurrency — in a process of
// its own. Writes `{ figures, settings }` as one JSON line on stdout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_STORES, type BenchStore } from '../options.ts';
import type { CellResult, PeerSide } from './run-cell.ts';

const { values } = parseArgs({
  options: {
    side: { type: 'string' },
    store: { type: 'string' },
    concurrency: { type: 'string' },
    tasks: { type: 'string' },
    synchronous: { type: 'string', default: 'FULL' },
  },
});
const side = values.side as PeerSide;
const store = values.store as BenchStore;
const run = { tasks: Number(values.tasks), concurrency: Number(values.concurrency) };
const synchronous = values.synchronous as 'FULL' | 'NORMAL';
if (!['tollgate', 'langgraph'].includes(side) || !BENCH_STORES.includes(store) || !(run.tasks > 0) || !(run.concurrency > 0) || !['FULL', 'NORMAL'].includes(synchronous)) {
  process.stderr.write('usage: cell.ts --side tollgate|langgraph --store memory|sqlite --concurrency N --tasks N [--synchronous FULL|NORMAL]\n');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), `tollgate-peers-${side}-`));
try {
  process.stdout.write(`${JSON.stringify(await runCell(side, store, dir))}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Each side is imported only in its own cells: LangGraph's AsyncLocalStorage turns on promise
// hooks for the whole process, which would slow Tollgate down if they shared one.
async function runCell(cellSide: PeerSide, cellStore: BenchStore, tempDir: string): Promise<CellResult> {
  if (cellSide === 'tollgate') {
    const { benchTollgate } = await import('../tollgate-workload.ts');
    const { tollgateStores } = await import('../tollgate-stores.ts');
    // The store keeps its connection to itself; these are openSqliteStore's defaults (src/store/sqlite.ts).
    const settings: Record<string, string> = cellStore === 'sqlite' ? { journal_mode: 'wal', synchronous } : {};
    return { figures: await benchTollgate(tollgateStores(tempDir, { synchronous })[cellStore], run), settings };
  }
  const { benchLangGraph } = await import('./langgraph/workload.ts');
  const { langGraphSavers } = await import('./langgraph/checkpointers.ts');
  return benchLangGraph(langGraphSavers(tempDir)[cellStore], run);
}
