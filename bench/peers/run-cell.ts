import { fileURLToPath } from 'node:url';
import type { Figures } from '../figures.ts';
import { runJsonChild } from '../json-child.ts';
import type { BenchStore } from '../options.ts';
import { GATE_NODE_FLAGS } from '../../src/util/v8-tuning.ts';

/** The runtimes the peer comparison runs. */
export type PeerSide = 'tollgate' | 'langgraph';

/** What one cell reports: its figures and how its store persisted. */
export interface CellResult {
  figures: Figures;
  settings: Record<string, string>;
}

const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.mjs', import.meta.url));
const CELL = fileURLToPath(new URL('./cell.ts', import.meta.url));

/**
 * Runs one cell (cell.ts) in a fresh `node --expose-gc` process with `GATE_NODE_FLAGS`: no JIT, heap or promise hooks
 * carried over from the other runtime. Its progress goes to our stderr. `synchronous` sets
 * Tollgate's SQLite durability (LangGraph's saver sets its own).
 * @example await runCell('langgraph', 'sqlite', { tasks: 20_000, concurrency: 64 })
 */
export function runCell(
  side: PeerSide,
  store: BenchStore,
  run: { tasks: number; concurrency: number; synchronous?: 'FULL' | 'NORMAL' },
): Promise<CellResult> {
  const args = ['--expose-gc', ...GATE_NODE_FLAGS, RUN_TS, CELL, '--side', side, '--store', store, '--concurrency', String(run.concurrency), '--tasks', String(run.tasks)];
  if (run.synchronous) args.push('--synchronous', run.synchronous);
  return runJsonChild<CellResult>(args, `${side}/${store} cell`);
}
