// npm run torture [-- --tasks 10000 --clients 16 --kills 25 --seed 1 --db sqlite:PATH|postgres://… --json]
// The crash torture at full size (issue 8, part 3); torture.int.test.ts (SQLite) and
// torture-postgres.int.test.ts run smaller ones in `npm test`. A PostgreSQL URL without
// `schema=` gets a fresh schema, dropped at the end. Exit code 1 when any invariant broke.
import { parseArgs } from 'node:util';
import { renderTortureReport } from './report.ts';
import { runTorture } from './run-torture.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '16' },
    kills: { type: 'string', default: '25' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    db: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const numbers = { tasks: Number(values.tasks), clients: Number(values.clients), kills: Number(values.kills), seed: Number(values.seed) };
if (Object.values(numbers).some((n) => !Number.isInteger(n) || n < 0) || numbers.tasks < 100 || numbers.clients < 1) {
  process.stderr.write('--tasks (≥ 100), --clients (≥ 1), --kills and --seed are integers\n');
  process.exit(2);
}
const report = await runTorture({ ...numbers, ...(values.db ? { dbUrl: values.db } : {}), log: (m) => process.stderr.write(`${m}\n`) });
process.stdout.write(renderTortureReport(report, numbers.seed));
if (values.json) process.stdout.write(`${JSON.stringify({ ...report, statusCounts: report.statusCounts })}\n`);
process.exitCode = report.violations.length === 0 ? 0 : 1;
