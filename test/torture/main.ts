// npm run torture [-- --tasks 10000 --clients 16 --kills 25 --seed 1 --db sqlite:PATH|postgres://… --json]
// The crash torture at full size (issue 8, part 3); torture.int.test.ts (SQLite) and
// torture-postgres.int.test.ts run smaller ones in `npm test`. A PostgreSQL URL without
// `schema=` gets a fresh schema, dropped at the end. Exit code 1 when any invariant broke.
import { parseCommandArgs } from '../../bench/command-args.ts';
import { renderTortureReport } from './report.ts';
import { runTorture } from './run-torture.ts';

const USAGE = `usage: npm run torture [-- --tasks N (≥ 100, default 10000) --clients N (16) --kills N (25) --seed N
                                --db sqlite:PATH|postgres://… (default: a temporary SQLite file) --json]
SIGKILLs the real server at random moments while clients drive mixed tasks, then checks that no task
was lost, none ran unapproved or twice, every expiry was honoured and the audit chain verifies. Exit 1
when an invariant broke.`;
const values = parseCommandArgs(
  {
    tasks: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '16' },
    kills: { type: 'string', default: '25' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    db: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  USAGE,
);
const numbers = { tasks: Number(values.tasks), clients: Number(values.clients), kills: Number(values.kills), seed: Number(values.seed) };
if (Object.values(numbers).some((n) => !Number.isInteger(n) || n < 0) || numbers.tasks < 100 || numbers.clients < 1) {
  process.stderr.write('--tasks (≥ 100), --clients (≥ 1), --kills and --seed are integers\n');
  process.exit(2);
}
const report = await runTorture({ ...numbers, ...(values.db ? { dbUrl: values.db } : {}), log: (m) => process.stderr.write(`${m}\n`) });
process.stdout.write(renderTortureReport(report, numbers.seed));
if (values.json) process.stdout.write(`${JSON.stringify({ ...report, statusCounts: report.statusCounts })}\n`);
process.exitCode = report.violations.length === 0 ? 0 : 1;
