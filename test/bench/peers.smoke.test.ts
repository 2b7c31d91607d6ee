import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, isInterrupted } from '@langchain/langgraph';
import { afterAll, describe, expect, it } from 'vitest';
import { BENCH_STORES } from '../../bench/options.ts';
import { buildApprovalGraph } from '../../bench/peers/langgraph/approval-graph.ts';
import { langGraphSavers } from '../../bench/peers/langgraph/checkpointers.ts';
import { autoProposal, parkProposal } from '../../bench/proposals.ts';

// Keeps the LangGraph peer of `npm run bench -- --peers` from rotting: the same graph and
// checkpointers, 50 tasks, states only (timings belong to bench/, never to tests).
const TASKS = 50;
const dir = mkdtempSync(join(tmpdir(), 'tollgate-peers-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const thread = (id: string) => ({ configurable: { thread_id: id } });

describe.each(BENCH_STORES)('LangGraph peer workload on %s', (store) => {
  it('runs the auto path, parks escalations, resumes approved ones to completion and denies rejected ones', async () => {
    const opened = langGraphSavers(dir)[store]();
    const graph = buildApprovalGraph(opened.saver);
    try {
      const autos = await Promise.all(
        Array.from({ length: TASKS }, (_, i) => graph.invoke({ taskId: `auto-${i}`, proposal: autoProposal(i) }, thread(`auto-${i}`))),
      );
      expect(autos.filter((state) => state.outcome === 'completed' && state.verdict?.decision === 'allow')).toHaveLength(TASKS);

      const parked = await Promise.all(
        Array.from({ length: TASKS }, (_, i) => graph.invoke({ taskId: `park-${i}`, proposal: parkProposal(i) }, thread(`park-${i}`))),
      );
      expect(parked.filter((state) => isInterrupted(state) && state.outcome === undefined)).toHaveLength(TASKS);
      // Parked means persisted: each thread's checkpoint waits on awaitApproval with one interrupt.
      const snapshots = await Promise.all(Array.from({ length: TASKS }, (_, i) => graph.getState(thread(`park-${i}`))));
      expect(snapshots.filter((s) => s.next.includes('awaitApproval') && s.tasks[0]?.interrupts.length === 1)).toHaveLength(TASKS);

      const resumed = await Promise.all(
        Array.from({ length: TASKS }, (_, i) =>
          graph.invoke(new Command({ resume: { approved: i % 10 !== 0, by: 'bench-approver' } }), thread(`park-${i}`)),
        ),
      );
      expect(resumed.filter((state) => state.outcome === 'completed' && state.result?.cleared === true)).toHaveLength(TASKS - TASKS / 10);
      expect(resumed.filter((state) => state.outcome === 'denied')).toHaveLength(TASKS / 10);
      if (store === 'sqlite') expect(opened.settings().journal_mode).toBe('wal');
    } finally {
      opened.close();
    }
  });
});
