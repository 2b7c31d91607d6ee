// npm run bench -- --scale N[,N…] [--json]
// The scale benchmark (issue 8, part 2): for each N, park N tasks in SQLite through the real
// engine, list the approval queue at depth, expire N/10 through the sweeper, resume N/10.
// Prints a table (one column per N) and stores each N's result in bench/scale/results.json,
// which `node bin/run-ts.mjs bench/scale/chart.ts` draws as docs/bench-scale.svg.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandArgs } from '../command-args.ts';
import { readResults, saveResult } from './results-file.ts';
import { renderScaleTable } from './report.ts';
import { runScale } from './run-scale.ts';
import type { ScaleResult } from './scale-result.ts';

const values = parseCommandArgs(
  {
    scale: { type: 'string' },
    json: { type: 'boolean', default: false },
    'no-save': { type: 'boolean', default: false },
  },
  'usage: npm run bench -- --scale N[,N…] (integers ≥ 1000, e.g. 10000,100000,1000000) [--json] [--no-save]',
);
const sizes = String(values.scale ?? '')
  .split(',')
  .map((s) => Number(s.trim().replaceAll('_', '')));
if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1_000)) {
  process.stderr.write('--scale takes N or N,N,… (integers ≥ 1000), e.g. --scale 10000,100000,1000000\n');
  process.exit(2);
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const ran: ScaleResult[] = [];
for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-scale-'));
  try {
    const result = await runScale({ n, dir, log });
    ran.push(result);
    if (!values['no-save']) saveResult(result);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
process.stdout.write(renderScaleTable(values['no-save'] ? ran : readResults().filter((r) => sizes.includes(r.n))));
if (values.json) process.stdout.write(`${JSON.stringify(ran)}\n`);
