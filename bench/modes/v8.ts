import { fileURLToPath } from 'node:url';
import { GATE_NODE_FLAGS } from '../../src/util/v8-tuning.ts';
import type { Figures } from '../figures.ts';
import { runJsonChild } from '../json-child.ts';
import { BENCH_STORES, type BenchOptions, progress } from '../options.ts';
import { renderTable } from '../report.ts';

const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.mjs', import.meta.url));
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
/** Runs of each setting; they alternate, so that a drift in the machine's load favours neither. */
const ROUNDS = 2;

/** The two ways the lifecycle bench runs: Node's defaults, and Tollgate's flags. */
const SETTINGS = { defaults: [] as readonly string[], gate: GATE_NODE_FLAGS } as const;
type Setting = keyof typeof SETTINGS;

/** The default mode's JSON line (modes/lifecycle.ts), the parts compared here. */
interface LifecycleLine {
  memory: Figures;
  sqlite: Figures;
  sequential: { memory: Figures; sqlite: Figures };
  xstate_floor: { auto_per_s: number; sequential_auto_per_s: number };
}

const COMPARED = ['auto_per_s', 'park_per_s', 'resume_per_s', 'resume_p50_ms', 'resume_p99_ms'] as const;

/**
 * `--v8`: the lifecycle bench (the default mode) in fresh processes, with Node's defaults and with
 * `GATE_NODE_FLAGS` (src/util/v8-tuning.ts), alternating, {@link ROUNDS} runs each. Prints the mean
 * of each setting's runs and their ratio; with `--json`, one JSON line `{ "v8": { "flags": […], "defaults": [runs], "gate": [runs] } }`.
 * @example await run({ json: false, tasks: 20_000, sequentialTasks: 5_000 })
 */
export async function run(options: BenchOptions): Promise<void> {
  const runs: Record<Setting, LifecycleLine[]> = { defaults: [], gate: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order: Setting[] = round % 2 === 0 ? ['defaults', 'gate'] : ['gate', 'defaults'];
    for (const setting of order) {
      progress(`round ${round + 1}/${ROUNDS}, ${setting === 'gate' ? GATE_NODE_FLAGS.join(' ') : "Node's defaults"}…`);
      runs[setting].push(await runLifecycle(SETTINGS[setting], options));
    }
  }
  const rows: string[][] = [];
  for (const [label, pick] of [
    ['64 in flight', (line: LifecycleLine, store: (typeof BENCH_STORES)[number]) => line[store]],
    ['1 in flight', (line: LifecycleLine, store: (typeof BENCH_STORES)[number]) => line.sequential[store]],
  ] as const) {
    for (const store of BENCH_STORES) {
      for (const key of COMPARED) {
        const defaults = mean(runs.defaults.map((line) => pick(line, store)[key]));
        const gate = mean(runs.gate.map((line) => pick(line, store)[key]));
        rows.push([store, label, key, format(defaults), format(gate), `×${(gate / defaults).toFixed(2)}`]);
      }
    }
  }
  const floor = (setting: Setting) => mean(runs[setting].map((line) => line.xstate_floor.auto_per_s));
  rows.push(['xstate floor', '64 in flight', 'auto_per_s', format(floor('defaults')), format(floor('gate')), `×${(floor('gate') / floor('defaults')).toFixed(2)}`]);
  process.stdout.write(`Node's defaults against ${GATE_NODE_FLAGS.join(' ')} (mean of ${ROUNDS} runs each; for latencies < 1× is better):\n`);
  process.stdout.write(renderTable(['store', 'concurrency', 'figure', 'defaults', 'gate flags', 'gate ÷ defaults'], rows));
  if (options.json) process.stdout.write(`${JSON.stringify({ v8: { flags: GATE_NODE_FLAGS, ...runs } })}\n`);
}

function runLifecycle(flags: readonly string[], options: BenchOptions): Promise<LifecycleLine> {
  const args = ['--expose-gc', ...flags, RUN_TS, MAIN, '--json', '--tasks', String(options.tasks), '--sequential-tasks', String(options.sequentialTasks)];
  return runJsonChild<LifecycleLine>(args, 'the lifecycle bench');
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function format(value: number): string {
  return value >= 100 ? String(Math.round(value)) : value.toFixed(3);
}
