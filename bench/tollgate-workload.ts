import { createEngine } from '../src/engine/engine.ts';
import type { Engine } from '../src/engine/engine-types.ts';
import type { Principal } from '../src/model/principal.ts';
import type { Proposal } from '../src/model/proposal.ts';
import type { Store } from '../src/store/store.ts';
import { measure, settledHeap } from './stats.ts';

/** One backend's figures at one concurrency. */
export interface Figures {
  auto_per_s: number;
  park_per_s: number;
  resume_per_s: number;
  auto_p50_ms: number;
  auto_p99_ms: number;
  park_p50_ms: number;
  park_p99_ms: number;
  resume_p50_ms: number;
  resume_p99_ms: number;
  heap_bytes_per_parked: number;
}

const APPROVER: Principal = { id: 'bench-approver', roles: ['approver'], maxRisk: 'critical' };

/** Low risk at semi autonomy: allowed, executed at once. */
const autoProposal = (i: number): Proposal => ({
  actionType: 'code:read',
  title: 'read a file',
  args: { path: `src/module-${i % 100}.ts` },
  agentId: 'bench-agent',
});

/** High risk at semi autonomy: parked for one approval. */
const parkProposal = (i: number): Proposal => ({
  actionType: 'vcs:push',
  title: 'push a branch',
  args: { remote: 'origin', branch: `feature/${i % 1000}` },
  agentId: 'bench-agent',
});

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
      const { task } = await engine.decide(approvals[i] as string, { kind: 'approve' }, APPROVER);
      if (task.state !== 'completed') throw new Error(`expected completed, got ${task.state}`);
    });

    return {
      auto_per_s: Math.round(auto.perSecond),
      park_per_s: Math.round(park.perSecond),
      resume_per_s: Math.round(resume.perSecond),
      auto_p50_ms: round3(auto.latencies.percentile(50)),
      auto_p99_ms: round3(auto.latencies.percentile(99)),
      park_p50_ms: round3(park.latencies.percentile(50)),
      park_p99_ms: round3(park.latencies.percentile(99)),
      resume_p50_ms: round3(resume.latencies.percentile(50)),
      resume_p99_ms: round3(resume.latencies.percentile(99)),
      heap_bytes_per_parked: Math.max(0, Math.round((heapAfter - heapBefore) / tasks)),
    };
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

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
