import { resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { createEngine } from '../../engine/engine.ts';
import { parseInput } from '../../engine/validate.ts';
import type { Principal } from '../../model/principal.ts';
import { TASK_STATES } from '../../model/task-state.ts';
import { demoProposal } from '../demo-workload.ts';
import { openStore } from '../open-store.ts';
import { formatTable, writeOut } from '../output.ts';
import { createProgress } from '../progress.ts';

const DEFAULT_DB = 'sqlite:./tollgate-demo.db';

const DemoOptions = z.strictObject({
  // Never a shared PostgreSQL store: its workers would serve the demo's made-up approvals in the
  // real queue, and execute the ones approved there.
  db: z
    .string()
    .min(1)
    .refine((url) => url.startsWith('sqlite:') || url === 'memory:', {
      message: 'the demo runs on sqlite:PATH or memory: only — never on a shared store, whose workers would serve (and run) its made-up approvals',
    }),
  tasks: z.coerce.number().int().min(1).max(100_000),
  concurrency: z.coerce.number().int().min(1).max(1_000),
});

const APPROVERS: Principal[] = [
  { id: 'alice', roles: ['approver'], maxRisk: 'critical' },
  { id: 'bob', roles: ['approver'], maxRisk: 'critical' },
];

/** `tollgate demo`: a mixed batch of tasks through the real engine, with a summary of where they ended. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a mixed batch of agent actions through the gate on an SQLite file and summarise')
    .option('--db <url>', 'store: sqlite:PATH or memory: (never a shared PostgreSQL store)', DEFAULT_DB)
    .option('--tasks <n>', 'how many proposals to submit', '240')
    .option('--concurrency <n>', 'tasks in flight at once', '32')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseInput(DemoOptions, raw, 'demo options');
      await runDemo(options);
    });
}

async function runDemo(options: z.infer<typeof DemoOptions>): Promise<void> {
  const store = await openStore(options.db);
  const engine = createEngine({ store });
  const started = Date.now();
  try {
    const recovered = await engine.recover();
    if (recovered.resumed + recovered.quarantined > 0) {
      writeOut(`recovered ${recovered.resumed} interrupted tasks (${recovered.quarantined} quarantined)\n`);
    }
    writeOut(`Tollgate demo: ${options.tasks} proposals from 3 agents, ${options.concurrency} in flight, store ${describe(options.db)}\n`);

    const submitted = createProgress('submit ', options.tasks);
    const approvals: string[] = [];
    await inBatches(options.tasks, options.concurrency, async (index) => {
      const { task } = await engine.submit(demoProposal(index));
      if (task.state === 'parked' && task.approvalId) approvals.push(task.approvalId);
      submitted.increment();
    });
    submitted.stop();

    // Decide most of what parked: approve, reject, reroute; leave some waiting in the queue.
    const decided = createProgress('decide ', approvals.length);
    await inBatches(approvals.length, options.concurrency, async (index) => {
      const approvalId = approvals[index] as string;
      const roll = index % 10;
      try {
        if (roll < 6) {
          for (const approver of APPROVERS) {
            const { approval } = await engine.decide(approvalId, { kind: 'approve', comment: 'looks right' }, approver);
            if (approval.status !== 'pending') break;
          }
        } else if (roll < 8) {
          await engine.decide(approvalId, { kind: 'reject', reason: 'not during the freeze' }, APPROVERS[0] as Principal);
        } else if (roll < 9) {
          await engine.decide(
            approvalId,
            { kind: 'reroute', reason: 'stage it first', alternative: { actionType: 'deploy:staging', title: 'Deploy to staging first' } },
            APPROVERS[1] as Principal,
          );
        }
      } finally {
        decided.increment();
      }
    });
    decided.stop();

    const counts = new Map<string, number>();
    let cursor: string | undefined;
    do {
      const page = await engine.list({ limit: 500, ...(cursor ? { cursor } : {}) });
      for (const task of page.items) counts.set(task.state, (counts.get(task.state) ?? 0) + 1);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const rows = [...TASK_STATES, 'quarantined']
      .filter((state) => counts.has(state))
      .map((state) => [state, String(counts.get(state))]);
    writeOut(`\n${formatTable(['final state', 'tasks'], rows)}`);
    const audit = await store.verifyAudit();
    writeOut(
      `\naudit chain: ${audit.ok ? 'ok' : `BROKEN at ${audit.brokenAt}`} (${audit.entries} entries); ${
        options.tasks
      } proposals in ${((Date.now() - started) / 1000).toFixed(2)} s\n`,
    );
    if (options.db === 'memory:') writeOut('Nothing was kept (memory:): the parked tasks are gone with this process.\n');
    else if (options.db === DEFAULT_DB) writeOut('Parked tasks wait in the store; run `npm start` again to see them recovered and joined by new ones.\n');
    else writeOut(`Parked tasks wait in the store; \`tollgate serve --db ${options.db}\` recovers and serves them.\n`);
  } finally {
    await engine.close();
    await store.close();
  }
}

async function inBatches(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await work(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

function describe(db: string): string {
  return db.startsWith('sqlite:') ? `sqlite:${resolve(db.slice('sqlite:'.length))}` : db;
}
