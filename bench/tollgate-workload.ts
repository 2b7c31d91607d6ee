import { createEngine } from '../src/engine/engine.ts';
import type { Engine } from '../src/engine/engine-types.ts';
import type { Store } from '../src/store/store.ts';
import { type Figures, toFigures } from './figures.ts';
import { BENCH_APPROVER, autoProposal, parkProposal } from './proposals.ts';
import { measure, settledHeap } from './stats.ts';

/**
 * The Tollgate lifecycle benchmark on one store: auto path, park, resume (approve → executed),
 * and the heap each parked task costs once the actors are gone.
 */
export async function benchTollgate(openStore: () => Promise<Store>, options: { tasks: number; concurrency: number }): Promise<Figures> {
  const store = await openStore();
  const engine: Engine = createEngine({ store });
  try {
    const { tasks, concurrency } = options;
    // Warm up JIT and statements outside the measured runs.
    await measure(Math.min(500, tasks), concurrency, (i) => engine.submit(autoProposal(i)));

    const auto = await measure(tasks, concurrency, (i) => engine.submit(autoProposal(i)));

    const heapBefore = settledHeap();
    const park = await measure(tasks, concurrency, async (i) => {
      const { task } = await engine.submit(parkProposal(i));
      if (task.state !== 'parked') throw new Error(`expected a parked task, got ${task.state}`);
    });
    const heapAfter = settledHeap();
    // Collected after the heap reading, so the ids themselves are not counted as engine heap.
    const approvals = await pendingApprovalIds(engine, tasks);

    const resume = await measure(tasks, concurrency, async (i) => {
      const { task } = await engine.decide(approvals[i] as string, { kind: 'approve' }, BENCH_APPROVER);
      if (task.state !== 'completed') throw new Error(`expected completed, got ${task.state}`);
    });

    return toFigures({ auto, park, resume }, { before: heapBefore, after: heapAfter }, tasks);
  } finally {
    await engine.close();
    await store.close();
  }
}

async function pendingApprovalIds(engine: Engine, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ids.length < count; offset += 200) {
    const page = await engine.listApprovals({ status: 'pending', offset, limit: 200 });
    if (page.items.length === 0) break;
    ids.push(...page.items.map((approval) => approval.id));
  }
  if (ids.length !== count) throw new Error(`expected ${count} pending approvals, found ${ids.length}`);
  return ids;
}
