import type { ParseArgsConfig } from 'node:util';
import { parseCommandArgs } from './command-args.ts';

/** The options every benchmark mode takes (`npm run bench -- --tasks 5000 …`). */
export interface BenchOptions {
  /** Print one JSON object as the last line of stdout. */
  json: boolean;
  /** Tasks per phase at 64 in flight. */
  tasks: number;
  /** Tasks per phase at 1 in flight. */
  sequentialTasks: number;
}

/** What `npm run bench -- --help` prints. */
export const BENCH_USAGE = `usage: npm run bench [-- MODE] [--tasks N (≥ 100, default 20000)] [--sequential-tasks N (5000)] [--json]
modes (at most one): none — the Tollgate lifecycle on memory and SQLite, next to the XState floor;
  --peers [--equal-durability] — also LangGraph.js, same workload; --writers; --v8; --xstate-patch;
  --ab REV [--store sqlite|memory|both] [--runs N] — this checkout against commit REV, interleaved in one process;
  --postgres [--tasks N] — 1, 2, 4 workers on one PostgreSQL database; --scale N[,N…] — park N in SQLite
see bench/README.md`;

/** The stores every benchmark runs on, in the order tables show them. */
export const BENCH_STORES = ['memory', 'sqlite'] as const;
export type BenchStore = (typeof BENCH_STORES)[number];

/** Tasks in flight for the concurrent and the sequential runs. */
export const CONCURRENT = 64;
export const SEQUENTIAL = 1;

/**
 * Parses and checks the common options in `process.argv` (`--json`, `--tasks`,
 * `--sequential-tasks`) plus a mode's own; prints the problem and exits with 2 on a bad value.
 * @example const options = parseBenchOptions({ peers: { type: 'boolean' } });
 */
export function parseBenchOptions(modeOptions: ParseArgsConfig['options'] = {}): BenchOptions {
  const values = parseCommandArgs(
    {
      json: { type: 'boolean', default: false },
      tasks: { type: 'string', default: '20000' },
      'sequential-tasks': { type: 'string', default: '5000' },
      ...modeOptions,
    },
    BENCH_USAGE,
  );
  const tasks = Number(values.tasks);
  const sequentialTasks = Number(values['sequential-tasks']);
  if (!Number.isInteger(tasks) || tasks < 100 || !Number.isInteger(sequentialTasks) || sequentialTasks < 100) {
    process.stderr.write('--tasks and --sequential-tasks must be integers ≥ 100\n');
    process.exit(2);
  }
  return { json: values.json === true, tasks, sequentialTasks };
}

/** Writes a progress line to stderr, so stdout stays the table (and the JSON line). */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
