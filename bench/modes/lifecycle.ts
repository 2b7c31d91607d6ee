import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Figures } from '../figures.ts';
import { benchMachineFloor } from '../machine-floor.ts';
import { BENCH_STORES, type BenchOptions, type BenchStore, CONCURRENT, SEQUENTIAL, progress } from '../options.ts';
import { type FigureSet, jsonFigureSet, renderFiguresTable } from '../report.ts';
import { benchTollgate } from '../tollgate-workload.ts';
import { tollgateStores } from '../tollgate-stores.ts';

/** The XState floor at both concurrencies (see machine-floor.ts). */
export interface FloorFigures {
  concurrent: { auto_per_s: number; auto_us_per_task: number };
  sequential: { auto_per_s: number; auto_us_per_task: number };
}

/**
 * The default mode: the Tollgate lifecycle on every store at 64 and 1 in flight, in this
 * process, next to the XState floor. Prints the table; with `--json`, one JSON line.
 * @example await run({ json: false, tasks: 20_000, sequentialTasks: 5_000 })
 */
export async function run(options: BenchOptions): Promise<void> {
  const floor = await measureFloor(options);
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
  const concurrent: Partial<Record<BenchStore, Figures>> = {};
  const sequential: Partial<Record<BenchStore, Figures>> = {};
  try {
    const stores = tollgateStores(dir);
    for (const store of BENCH_STORES) {
      progress(`${store}: ${options.tasks} tasks, ${CONCURRENT} in flight…`);
      concurrent[store] = await benchTollgate(stores[store], { tasks: options.tasks, concurrency: CONCURRENT });
      progress(`${store}: ${options.sequentialTasks} tasks, ${SEQUENTIAL} in flight…`);
      sequential[store] = await benchTollgate(stores[store], { tasks: options.sequentialTasks, concurrency: SEQUENTIAL });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const tollgate = { ...concurrent, sequential } as FigureSet;
  printTollgate(tollgate, floor);
  if (options.json) process.stdout.write(`${JSON.stringify(tollgateJson(tollgate, floor))}\n`);
}

/** Measures the XState floor: the task machine alone, auto path, no store. */
export async function measureFloor(options: BenchOptions): Promise<FloorFigures> {
  progress(`xstate floor: the task machine alone, ${options.tasks} tasks…`);
  return {
    concurrent: await benchMachineFloor({ tasks: options.tasks, concurrency: CONCURRENT }),
    sequential: await benchMachineFloor({ tasks: options.sequentialTasks, concurrency: SEQUENTIAL }),
  };
}

/** Prints Tollgate's table and the floor line. */
export function printTollgate(tollgate: FigureSet, floor: FloorFigures): void {
  process.stdout.write(renderFiguresTable(tollgate));
  const ofFloor = Math.round((tollgate.memory.auto_per_s / floor.concurrent.auto_per_s) * 100);
  process.stdout.write(
    `\nxstate floor (task machine alone, auto path, no store): ${floor.concurrent.auto_per_s}/s at ${CONCURRENT} in flight ` +
      `(${floor.concurrent.auto_us_per_task} µs/task), ${floor.sequential.auto_per_s}/s at ${SEQUENTIAL}; ` +
      `memory engine auto = ${ofFloor}% of the floor\n`,
  );
}

/** The JSON line of the default mode: `memory`, `sqlite`, `sequential`, `xstate_floor`. */
export function tollgateJson(tollgate: FigureSet, floor: FloorFigures): Record<string, unknown> {
  return {
    ...jsonFigureSet(tollgate),
    xstate_floor: { auto_per_s: floor.concurrent.auto_per_s, sequential_auto_per_s: floor.sequential.auto_per_s },
  };
}
