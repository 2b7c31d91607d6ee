import { fileURLToPath } from 'node:url';
import type { Figures } from './figures.ts';
import { runJsonChild } from './json-child.ts';
import { BENCH_STORES, type BenchOptions, progress } from './options.ts';
import { renderTable } from './report.ts';

const RUN_TS = fileURLToPath(new URL('../bin/run-ts.mjs', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** The default mode's JSON line (modes/lifecycle.ts), the parts compared side by side. */
export interface LifecycleLine {
  memory: Figures;
  sqlite: Figures;
  sequential: { memory: Figures; sqlite: Figures };
  xstate_floor: { auto_per_s: number; sequential_auto_per_s: number };
}

/** One way of running the lifecycle bench in a fresh process. */
export interface LifecycleSetting {
  /** The column heading. */
  label: string;
  /** Node's options before the script (`--expose-gc` is always added). */
  nodeArgs: readonly string[];
  /** Extra environment for the child process. */
  env?: Record<string, string>;
}

const COMPARED = ['auto_per_s', 'park_per_s', 'resume_per_s', 'resume_p50_ms', 'resume_p99_ms'] as const;

/**
 * Runs the lifecycle bench (the default mode) in fresh processes under two settings, alternating
 * `rounds` times so that a drift in the machine's load favours neither, and resolves with every
 * run of each. {@link renderLifecycleComparison} makes the table.
 * @example const runs = await compareLifecycles(options, [before, after], 2);
 */
export async function compareLifecycles(
  options: BenchOptions,
  settings: readonly [LifecycleSetting, LifecycleSetting],
  rounds: number,
): Promise<[LifecycleLine[], LifecycleLine[]]> {
  const runs: [LifecycleLine[], LifecycleLine[]] = [[], []];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const);
    for (const index of order) {
      const setting = settings[index];
      progress(`round ${round + 1}/${rounds}, ${setting.label}…`);
      const args = ['--expose-gc', ...setting.nodeArgs, RUN_TS, MAIN, '--json', '--tasks', String(options.tasks), '--sequential-tasks', String(options.sequentialTasks)];
      runs[index].push(await runJsonChild<LifecycleLine>(args, `the lifecycle bench (${setting.label})`, setting.env));
    }
  }
  return runs;
}

/**
 * The table of a {@link compareLifecycles} result: per store and concurrency, each compared figure's
 * mean under both settings and their ratio (second ÷ first), then the XState floor.
 */
export function renderLifecycleComparison(labels: readonly [string, string], runs: readonly [LifecycleLine[], LifecycleLine[]]): string {
  const rows: string[][] = [];
  const ratio = (first: number, second: number) => `×${(second / first).toFixed(2)}`;
  for (const [label, pick] of [
    ['64 in flight', (line: LifecycleLine, store: (typeof BENCH_STORES)[number]) => line[store]],
    ['1 in flight', (line: LifecycleLine, store: (typeof BENCH_STORES)[number]) => line.sequential[store]],
  ] as const) {
    for (const store of BENCH_STORES) {
      for (const key of COMPARED) {
        const first = mean(runs[0].map((line) => pick(line, store)[key]));
        const second = mean(runs[1].map((line) => pick(line, store)[key]));
        rows.push([store, label, key, format(first), format(second), ratio(first, second)]);
      }
    }
  }
  for (const [label, key] of [['64 in flight', 'auto_per_s'], ['1 in flight', 'sequential_auto_per_s']] as const) {
    const first = mean(runs[0].map((line) => line.xstate_floor[key]));
    const second = mean(runs[1].map((line) => line.xstate_floor[key]));
    rows.push(['xstate floor', label, 'auto_per_s', format(first), format(second), ratio(first, second)]);
  }
  return renderTable(['store', 'concurrency', 'figure', labels[0], labels[1], `${labels[1]} ÷ ${labels[0]}`], rows);
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function format(value: number): string {
  return value >= 100 ? String(Math.round(value)) : value.toFixed(3);
}
