import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Figures } from '../figures.ts';
import { type BenchOptions, CONCURRENT, SEQUENTIAL, progress } from '../options.ts';
import { renderTable } from '../report.ts';
import { benchTollgate } from '../tollgate-workload.ts';

const WRITERS = ['inline', 'auto'] as const;
type Writer = (typeof WRITERS)[number];

/**
 * `--writers`: the Tollgate lifecycle on SQLite with each writer placement side by side in one
 * run — `inline` (every write on the engine's thread) and `auto` (the default: under load on the
 * writer thread) — at 64 and 1 in flight, one after the other in one process.
 * Prints the table and the ratio; with `--json`, one JSON line `{ "writers": { "inline": {...}, "auto": {...} } }`.
 * @example await run({ json: false, tasks: 20_000, sequentialTasks: 2_000 })
 */
export async function run(options: BenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-writers-'));
  let files = 0;
  const open = (writer: Writer) => () => {
    files += 1;
    return openSqliteStore({ path: join(dir, `w-${files}.db`), writer });
  };
  const results: Record<Writer, { concurrent: Figures; sequential: Figures }> = {} as never;
  try {
    for (const writer of WRITERS) {
      progress(`sqlite, writer ${writer}: ${options.tasks} tasks, ${CONCURRENT} in flight…`);
      const concurrent = await benchTollgate(open(writer), { tasks: options.tasks, concurrency: CONCURRENT });
      progress(`sqlite, writer ${writer}: ${options.sequentialTasks} tasks, ${SEQUENTIAL} in flight…`);
      const sequential = await benchTollgate(open(writer), { tasks: options.sequentialTasks, concurrency: SEQUENTIAL });
      results[writer] = { concurrent, sequential };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rows: string[][] = [];
  const ratios: string[] = [];
  for (const [label, key] of [[String(CONCURRENT), 'concurrent'], [String(SEQUENTIAL), 'sequential']] as const) {
    for (const writer of WRITERS) {
      const f = results[writer][key];
      rows.push([writer, label, String(f.auto_per_s), String(f.park_per_s), String(f.resume_per_s), `${f.resume_p50_ms} / ${f.resume_p99_ms}`]);
    }
    const ratio = (k: 'auto_per_s' | 'park_per_s' | 'resume_per_s') => (results.auto[key][k] / results.inline[key][k]).toFixed(2);
    ratios.push(`auto/inline at ${label} in flight: auto ×${ratio('auto_per_s')}, park ×${ratio('park_per_s')}, resume ×${ratio('resume_per_s')}`);
  }
  process.stdout.write(renderTable(['writer', 'in flight', 'auto/s', 'park/s', 'resume/s', 'resume p50/p99 ms'], rows));
  process.stdout.write(`${ratios.join('\n')}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify({ writers: results })}\n`);
}
