// npm run bench [-- --json] [-- --tasks N]
// Measures the Tollgate lifecycle on the memory and SQLite stores, at 64 tasks in flight and
// sequentially (1 in flight), side by side in one run. Prints a table; with --json, the last
// line is one JSON object (see README).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createMemoryStore } from '../src/store/memory.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/store.ts';
import { benchMachineFloor } from './machine-floor.ts';
import { type Figures, benchTollgate } from './tollgate-workload.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    tasks: { type: 'string', default: '20000' },
    'sequential-tasks': { type: 'string', default: '5000' },
  },
});
const tasks = Number(values.tasks);
const sequentialTasks = Number(values['sequential-tasks']);
if (!Number.isInteger(tasks) || tasks < 100 || !Number.isInteger(sequentialTasks) || sequentialTasks < 100) {
  process.stderr.write('--tasks and --sequential-tasks must be integers ≥ 100\n');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
let files = 0;
const backends: Record<string, () => Promise<Store>> = {
  memory: async () => createMemoryStore(),
  sqlite: async () => {
    files += 1;
    return openSqliteStore({ path: join(dir, `bench-${files}.db`) });
  },
};

progress(`xstate floor: the task machine alone, ${tasks} tasks…`);
const floor = {
  concurrent: await benchMachineFloor({ tasks, concurrency: 64 }),
  sequential: await benchMachineFloor({ tasks: sequentialTasks, concurrency: 1 }),
};

const concurrent: Record<string, Figures> = {};
const sequential: Record<string, Figures> = {};
try {
  for (const [name, open] of Object.entries(backends)) {
    progress(`${name}: ${tasks} tasks, 64 in flight…`);
    concurrent[name] = await benchTollgate(open, { tasks, concurrency: 64 });
    progress(`${name}: ${sequentialTasks} tasks, 1 in flight…`);
    sequential[name] = await benchTollgate(open, { tasks: sequentialTasks, concurrency: 1 });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

process.stdout.write(renderTable(concurrent, sequential));
process.stdout.write(
  `\nxstate floor (task machine alone, auto path, no store): ${floor.concurrent.auto_per_s}/s at 64 in flight ` +
    `(${floor.concurrent.auto_us_per_task} µs/task), ${floor.sequential.auto_per_s}/s at 1; ` +
    `memory engine auto = ${ratio(concurrent.memory?.auto_per_s, floor.concurrent.auto_per_s)} of the floor\n`,
);
if (values.json) {
  const keys = ['auto_per_s', 'park_per_s', 'resume_per_s', 'park_p99_ms', 'resume_p99_ms', 'heap_bytes_per_parked'] as const;
  const pick = (figures: Figures) => Object.fromEntries(keys.map((key) => [key, figures[key]]));
  const line = Object.fromEntries(Object.entries(concurrent).map(([name, figures]) => [name, pick(figures)]));
  (line as Record<string, unknown>).sequential = Object.fromEntries(
    Object.entries(sequential).map(([name, figures]) => [name, pick(figures)]),
  );
  (line as Record<string, unknown>).xstate_floor = { auto_per_s: floor.concurrent.auto_per_s, sequential_auto_per_s: floor.sequential.auto_per_s };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function ratio(part: number | undefined, whole: number): string {
  return part === undefined || whole === 0 ? 'n/a' : `${Math.round((part / whole) * 100)}%`;
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

function renderTable(c: Record<string, Figures>, s: Record<string, Figures>): string {
  const rows: string[][] = [];
  for (const [label, set] of [['64 in flight', c], ['1 in flight', s]] as const) {
    for (const [name, f] of Object.entries(set)) {
      rows.push([
        name,
        label,
        String(f.auto_per_s),
        String(f.park_per_s),
        String(f.resume_per_s),
        `${f.park_p50_ms} / ${f.park_p99_ms}`,
        `${f.resume_p50_ms} / ${f.resume_p99_ms}`,
        String(f.heap_bytes_per_parked),
      ]);
    }
  }
  const header = ['store', 'concurrency', 'auto/s', 'park/s', 'resume/s', 'park p50/p99 ms', 'resume p50/p99 ms', 'heap B/parked'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return `${[fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n')}\n`;
}
