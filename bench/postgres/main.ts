// npm run bench -- --postgres [--json] [--tasks N]: tasks/s for 1, 2 and 4 worker processes on one
// PostgreSQL database (TOLLGATE_BENCH_PG, default the local test database).
import { parseCommandArgs } from '../command-args.ts';
import { renderTable } from '../report.ts';
import { benchPostgresWorkers } from './workers.ts';

const USAGE = 'usage: npm run bench -- --postgres [--tasks N (≥ 100, default 4000; --pg-tasks N is the same)] [--json]';
const values = parseCommandArgs(
  { json: { type: 'boolean', default: false }, tasks: { type: 'string' }, 'pg-tasks': { type: 'string' }, postgres: { type: 'boolean' } },
  USAGE,
);
if (values.tasks !== undefined && values['pg-tasks'] !== undefined) {
  process.stderr.write(`give --tasks or --pg-tasks, not both\n${USAGE}\n`);
  process.exit(2);
}
const tasks = Number(values.tasks ?? values['pg-tasks'] ?? '4000');
if (!Number.isInteger(tasks) || tasks < 100) {
  process.stderr.write(`--tasks must be an integer ≥ 100\n${USAGE}\n`);
  process.exit(2);
}
const url = process.env.TOLLGATE_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const figures = await benchPostgresWorkers(url, [1, 2, 4], tasks);
const rows = figures.map((f) => [String(f.workers), String(f.auto_per_s), String(f.park_per_s), String(f.resume_per_s), String(f.resume_p99_ms)]);
process.stdout.write(`PostgreSQL, ${tasks} tasks per phase split between the workers, 64 in flight per worker\n`);
process.stdout.write(renderTable(['workers', 'auto/s', 'park/s', 'resume/s', 'resume p99 ms'], rows));
if (values.json) process.stdout.write(`${JSON.stringify({ postgres: Object.fromEntries(figures.map((f) => [`workers_${f.workers}`, f])) })}\n`);
