import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GATE_NODE_FLAGS } from '../../src/util/v8-tuning.ts';
import { AB_PHASES, type AbChunks, abRatio } from '../ab/chunks.ts';
import { parseCommandArgs } from '../command-args.ts';
import { runJsonChild } from '../json-child.ts';
import { progress } from '../options.ts';
import { renderTable } from '../report.ts';

const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.mjs', import.meta.url));
const CHILD = fileURLToPath(new URL('../ab/interleaved.ts', import.meta.url));
const USAGE = `usage: npm run bench -- --ab REV [--tasks N (multiple of 1000, default 20000)] [--store sqlite|memory|both (sqlite)] [--runs N (2)] [--json]
compares this checkout (head) with the commit REV (base) in one process, chunks of 1000 tasks alternating, 64 in flight`;

/**
 * `--ab REV`: this checkout against another commit, side by side in one process — the way to
 * tell a change of a few per cent from this machine's drift (its speed swings ±30 % within
 * minutes, more than most changes). REV is checked out into a temporary git worktree that uses
 * this checkout's node_modules; each run (bench/ab/interleaved.ts, a fresh process with
 * Tollgate's V8 flags) opens both builds, each on a store of its own, and drives auto, park and
 * resume in alternating chunks of 1,000 tasks at 64 in flight. Runs alternate which build opens
 * first (that alone moved a same-code comparison by 2–5 %), and the table gives head ÷ base
 * averaged over them, with how many chunk pairs head won. With `--json`, one JSON line
 * `{ "ab": { "base": sha, "head": sha, "runs": [...] } }`.
 * Both builds must have this one's `createEngine({ store })`, `openSqliteStore` and `createMemoryStore`.
 * @example npm run bench -- --ab HEAD~3 --store both
 */
export async function run(): Promise<void> {
  const values = parseCommandArgs(
    {
      ab: { type: 'string' },
      tasks: { type: 'string', default: '20000' },
      store: { type: 'string', default: 'sqlite' },
      runs: { type: 'string', default: '2' },
      json: { type: 'boolean', default: false },
    },
    USAGE,
  );
  const tasks = Number(values.tasks);
  const runs = Number(values.runs);
  const stores = values.store === 'both' ? (['sqlite', 'memory'] as const) : values.store === 'memory' || values.store === 'sqlite' ? ([values.store] as const) : null;
  if (!values.ab || !Number.isInteger(tasks) || tasks < 1000 || tasks % 1000 !== 0 || !Number.isInteger(runs) || runs < 1 || !stores) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const base = resolveRevision(values.ab);
  const head = resolveRevision('HEAD');
  const worktree = mkdtempSync(join(tmpdir(), 'tollgate-ab-'));
  try {
    git('worktree', 'add', '--detach', '--force', worktree, base);
    symlinkSync(join(PROJECT_DIR, 'node_modules'), join(worktree, 'node_modules'), 'dir');
    const results: AbChunks[] = [];
    for (const store of stores) {
      for (let index = 0; index < runs; index++) {
        const first = index % 2 === 0 ? 'base' : 'head';
        progress(`ab run ${index + 1}/${runs} on ${store}, ${first} opened first…`);
        const args = ['--expose-gc', ...GATE_NODE_FLAGS, RUN_TS, CHILD, '--base', worktree, '--store', store, '--first', first, '--tasks', String(tasks)];
        results.push(await runJsonChild<AbChunks>(args, `the interleaved run (${store}, ${first} first)`));
      }
    }
    process.stdout.write(`head ${head.slice(0, 10)}${gitDirty() ? ' (with uncommitted changes)' : ''} ÷ base ${base.slice(0, 10)} (${values.ab}), ${runs} runs each, ${tasks} tasks a side per phase:\n`);
    const rows = stores.flatMap((store) =>
      AB_PHASES.map((phase) => {
        const ratio = abRatio(
          results.filter((run) => run.store === store),
          phase,
        );
        return [store, phase, `×${ratio.perSecond.toFixed(3)}`, `×${ratio.cpuMicros.toFixed(3)}`, `${ratio.headAhead} of ${ratio.pairs}`];
      }),
    );
    process.stdout.write(renderTable(['store', 'phase', 'tasks/s', 'CPU per task', 'head faster in'], rows));
    if (values.json) process.stdout.write(`${JSON.stringify({ ab: { base, head, runs: results } })}\n`);
  } finally {
    if (existsSync(worktree)) git('worktree', 'remove', '--force', worktree);
    rmSync(worktree, { recursive: true, force: true });
  }
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: PROJECT_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function resolveRevision(revision: string): string {
  try {
    return git('rev-parse', '--verify', `${revision}^{commit}`);
  } catch {
    process.stderr.write(`--ab: ${revision} is not a commit of this repository\n`);
    process.exit(2);
  }
}

function gitDirty(): boolean {
  return git('status', '--porcelain', '--untracked-files=no').length > 0;
}
