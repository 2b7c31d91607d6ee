import type { SimulatedClock } from '../../src/engine/clock.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import { settledHeap } from '../stats.ts';
import { OffHeapSamples, round3, runTimed } from './samples.ts';
import type { BulkFigure } from './scale-result.ts';
import { EXPIRY_JUMP_MS, SCALE_APPROVER } from './workload.ts';

/**
 * Moves the simulated clock past every short deadline, then runs the sweeper's step
 * (`engine.expireDue(500)`, as `startSweeper` does) until nothing is due. Each sample is one
 * sweep of up to 500 approvals.
 * @throws when the sweeper expires a different number of tasks than `expected`
 * @example await expireShortDeadlines(engine, clock, 100_000);
 */
export async function expireShortDeadlines(engine: Engine, clock: SimulatedClock, expected: number): Promise<BulkFigure> {
  clock.advance(EXPIRY_JUMP_MS);
  const samples = new OffHeapSamples(Math.ceil(expected / 500) + 10);
  let count = 0;
  const started = performance.now();
  for (;;) {
    const t0 = performance.now();
    const expired = await engine.expireDue(500);
    if (expired === 0) break;
    samples.add(performance.now() - t0);
    count += expired;
  }
  const seconds = (performance.now() - started) / 1000;
  if (count !== expected) throw new Error(`the sweeper expired ${count} tasks, expected ${expected}`);
  return figure(count, seconds, samples);
}

/**
 * Approves `count` pending approvals (newest first, as a reviewer working the queue would),
 * `concurrency` in flight; each resumes its task, which executes and completes.
 * @example await resumeTasks(engine, 100_000, 64);
 */
export async function resumeTasks(engine: Engine, count: number, concurrency: number): Promise<BulkFigure> {
  const ids = await pendingApprovalIds(engine, count);
  const samples = new OffHeapSamples(count);
  const seconds = await runTimed(0, count, concurrency, samples, async (i) => {
    const { task } = await engine.decide(ids[i] as string, { kind: 'approve' }, SCALE_APPROVER);
    if (task.state !== 'completed') throw new Error(`task ${task.id} is ${task.state}, expected completed`);
  });
  ids.length = 0;
  return figure(count, seconds, samples);
}

/** The ids of the newest `count` pending approvals, read 200 at a time (collected before timing). */
async function pendingApprovalIds(engine: Engine, count: number): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count) {
    const page = await engine.listApprovals({ status: 'pending', offset: ids.length, limit: Math.min(200, count - ids.length) });
    if (page.items.length === 0) throw new Error(`only ${ids.length} pending approvals, expected ${count}`);
    for (const approval of page.items) ids.push(approval.id);
  }
  return ids;
}

function figure(count: number, seconds: number, samples: OffHeapSamples): BulkFigure {
  return {
    count,
    seconds: round3(seconds),
    perSecond: Math.round(count / seconds),
    p50Ms: round3(samples.percentile(50)),
    p99Ms: round3(samples.percentile(99)),
    heapUsedBytesAfter: settledHeap(),
  };
}
