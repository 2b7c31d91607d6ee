import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { GATE_NODE_FLAGS } from '../../src/util/v8-tuning.ts';

/** Aggregate throughput of N worker processes sharing one PostgreSQL schema. */
export interface WorkersFigures {
  workers: number;
  auto_per_s: number;
  park_per_s: number;
  resume_per_s: number;
  resume_p99_ms: number;
}

interface WorkerLine {
  tasks: number;
  auto: number;
  park: number;
  resume: number;
  resume_p99_ms: number;
}

/** The worker processes of the run under way, stopped if it is interrupted. */
const running = new Set<ChildProcess>();
const RUN_TS = resolve(import.meta.dirname, '../../bin/run-ts.mjs');
const WORKER = resolve(import.meta.dirname, 'worker.ts');

/**
 * Runs the workload with 1, 2, 4 … worker processes on a fresh schema each (the tasks split
 * between them), all started at once; a phase's rate is all its tasks over the slowest worker's
 * time for it.
 * @example await benchPostgresWorkers('postgres://postgres@127.0.0.1/test', [1, 2, 4], 4000)
 */
export async function benchPostgresWorkers(connectionString: string, counts: readonly number[], tasks: number): Promise<WorkersFigures[]> {
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  const figures: WorkersFigures[] = [];
  // Interrupted (Ctrl-C, a timeout's SIGTERM), the run still stops its workers and drops its schema.
  let current: string | null = null;
  const interrupted = (signal: NodeJS.Signals) => {
    for (const child of running) child.kill('SIGKILL');
    const drop = current ? admin.query(`DROP SCHEMA IF EXISTS "${current}" CASCADE`) : Promise.resolve();
    void drop.catch(() => undefined).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    for (const count of counts) {
      const schema = `tollgate_bench_${randomBytes(4).toString('hex')}`;
      current = schema;
      await (await openPostgresStore({ connectionString, schema })).close(); // migrate once, before the race
      try {
        const share = Math.floor(tasks / count);
        const lines = await runWorkers(connectionString, schema, count, share);
        const slowest = (phase: 'auto' | 'park' | 'resume') => Math.max(...lines.map((line) => line[phase]));
        const total = share * count;
        figures.push({
          workers: count,
          auto_per_s: Math.round(total / slowest('auto')),
          park_per_s: Math.round(total / slowest('park')),
          resume_per_s: Math.round(total / slowest('resume')),
          resume_p99_ms: Math.round(Math.max(...lines.map((line) => line.resume_p99_ms)) * 1000) / 1000,
        });
      } finally {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        current = null;
      }
    }
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await admin.end();
  }
  return figures;
}

async function runWorkers(connectionString: string, schema: string, count: number, share: number): Promise<WorkerLine[]> {
  const children = Array.from({ length: count }, (_, index) =>
    spawn(process.execPath, [...GATE_NODE_FLAGS, RUN_TS, WORKER, connectionString, schema, String(share), `w${index}`], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  for (const child of children) {
    running.add(child);
    child.on('exit', () => running.delete(child));
  }
  const outputs = children.map(
    (child) =>
      new Promise<WorkerLine>((resolveLine, reject) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
        });
        child.on('exit', (code) => {
          if (code !== 0) reject(new Error(`benchmark worker exited with ${code}`));
          else resolveLine(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as WorkerLine);
        });
      }),
  );
  // Let every worker open its pool and compile, then start them together.
  await new Promise((resolveStart) => setTimeout(resolveStart, 3_000));
  for (const child of children) child.stdin.end('go\n');
  return Promise.all(outputs);
}
