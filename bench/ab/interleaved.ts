// Child process of `npm run bench -- --ab REV` (modes/ab.ts): two builds of Tollgate in one
// process — the checkout at REV (`--base DIR`) and this one — each with its own store, driven
// in alternating chunks, so that the machine's drift (±30 % within minutes here) falls on both
// alike. Prints one JSON line: per phase, each chunk's tasks/s and CPU µs per task for each side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Proposal } from '../../src/model/proposal.ts';
import { parseCommandArgs } from '../command-args.ts';
import { BENCH_APPROVER, autoProposal, parkProposal } from '../proposals.ts';
import { runTimedPool } from '../stats.ts';
import { AB_PHASES, type AbChunks, type AbPhase, type AbSide } from './chunks.ts';

const HEAD_DIR = fileURLToPath(new URL('../..', import.meta.url));

const values = parseCommandArgs(
  {
    base: { type: 'string' },
    store: { type: 'string', default: 'sqlite' },
    first: { type: 'string', default: 'base' },
    tasks: { type: 'string', default: '20000' },
    chunk: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '64' },
  },
  'usage (run by npm run bench -- --ab REV): interleaved.ts --base DIR [--store sqlite|memory] [--first base|head] [--tasks N] [--chunk N] [--concurrency N]',
);
const store = values.store === 'memory' ? 'memory' : 'sqlite';
const tasks = Number(values.tasks);
const chunk = Number(values.chunk);
const concurrency = Number(values.concurrency);
if (!values.base || ![tasks, chunk, concurrency].every((n) => Number.isInteger(n) && n > 0) || tasks % chunk !== 0) {
  process.stderr.write('interleaved.ts: --base DIR is required, and --tasks must be a multiple of --chunk\n');
  process.exit(2);
}

interface Driver {
  submit(proposal: Proposal): Promise<{ task: { state: string; approvalId: string | null } }>;
  approve(approvalId: string): Promise<{ task: { state: string } }>;
  close(): Promise<void>;
}

/** One side: the engine and the store of the build at `root`, on a store of its own. */
async function open(root: string, dir: string): Promise<Driver> {
  const { createEngine } = await import(join(root, 'src/engine/engine.ts'));
  const opened =
    store === 'memory'
      ? (await import(join(root, 'src/store/memory.ts'))).createMemoryStore()
      : await (await import(join(root, 'src/store/sqlite.ts'))).openSqliteStore({ path: join(dir, 'tollgate.db'), synchronous: 'FULL' });
  const engine = createEngine({ store: opened });
  return {
    submit: (proposal) => engine.submit(proposal),
    approve: (approvalId) => engine.decide(approvalId, { kind: 'approve' }, BENCH_APPROVER),
    close: async () => {
      await engine.close();
      await opened.close();
    },
  };
}

/** Runs tasks [from, from + chunk) of a phase on one side; its tasks/s and CPU µs per task (the whole process). */
async function runChunk(driver: Driver, phase: AbPhase, from: number, approvals: string[]): Promise<{ perSecond: number; cpuMicros: number }> {
  const cpu = process.cpuUsage();
  const seconds = await runTimedPool(
    from,
    from + chunk,
    concurrency,
    async (i) => {
      if (phase === 'auto') {
        const { task } = await driver.submit(autoProposal(i));
        if (task.state !== 'completed') throw new Error(`expected a completed task, got ${task.state}`);
      } else if (phase === 'park') {
        const { task } = await driver.submit(parkProposal(i));
        if (task.state !== 'parked' || task.approvalId === null) throw new Error(`expected a parked task, got ${task.state}`);
        approvals[i] = task.approvalId;
      } else {
        const { task } = await driver.approve(approvals[i] as string);
        if (task.state !== 'completed') throw new Error(`expected completed, got ${task.state}`);
      }
    },
    () => undefined,
  );
  const used = process.cpuUsage(cpu);
  return { perSecond: chunk / seconds, cpuMicros: (used.user + used.system) / chunk };
}

const dirs = { base: mkdtempSync(join(tmpdir(), 'tollgate-ab-base-')), head: mkdtempSync(join(tmpdir(), 'tollgate-ab-head-')) };
const order: AbSide[] = values.first === 'head' ? ['head', 'base'] : ['base', 'head'];
const drivers = {} as Record<AbSide, Driver>;
try {
  // Opened in the order asked: the side opened first differs from the other in ways beside its code (its thread starts first).
  for (const side of order) drivers[side] = await open(side === 'base' ? (values.base as string) : HEAD_DIR, dirs[side]);
  const approvals: Record<AbSide, string[]> = { base: [], head: [] };
  for (const side of order) await runChunk(drivers[side], 'auto', tasks, approvals[side]); // warm-up, outside the measured tasks
  const result: AbChunks = { store, first: order[0] as AbSide, chunk, concurrency, phases: {} as AbChunks['phases'] };
  for (const phase of AB_PHASES) {
    const chunks = { base: [], head: [] } as AbChunks['phases'][AbPhase];
    process.stderr.write(`ab ${store}, ${order[0]} first: ${phase}, ${tasks} tasks a side in chunks of ${chunk}, ${concurrency} in flight…\n`);
    for (let from = 0, round = 0; from < tasks; from += chunk, round += 1) {
      // Each round swaps which side goes first: neither always follows the other's garbage.
      for (const side of round % 2 === 0 ? order : [...order].reverse()) chunks[side].push(await runChunk(drivers[side], phase, from, approvals[side]));
    }
    result.phases[phase] = chunks;
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  for (const side of order) await drivers[side]?.close();
  for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
}
