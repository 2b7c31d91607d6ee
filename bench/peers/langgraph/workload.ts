import { Command, isInterrupted } from '@langchain/langgraph';
import { type Figures, toFigures } from '../../figures.ts';
import { BENCH_APPROVER, autoProposal, parkProposal } from '../../proposals.ts';
import { measure, settledHeap } from '../../stats.ts';
import { type ApprovalDecision, buildApprovalGraph } from './approval-graph.ts';
import type { OpenedSaver } from './checkpointers.ts';

/** LangGraph's figures and how its checkpointer persisted. */
export interface LangGraphRun {
  figures: Figures;
  settings: Record<string, string>;
}

const threadConfig = (threadId: string) => ({ configurable: { thread_id: threadId } });

/**
 * The Tollgate lifecycle benchmark (tollgate-workload.ts), step for step, on LangGraph: warm-up,
 * auto path, park (interrupt, checkpointed), resume (`Command({ resume })` → executed), and
 * the heap each parked thread costs after GC. One thread per task, default durability.
 * @example await benchLangGraph(langGraphSavers(dir).sqlite, { tasks: 1000, concurrency: 64 })
 */
export async function benchLangGraph(openSaver: () => OpenedSaver, options: { tasks: number; concurrency: number }): Promise<LangGraphRun> {
  const opened = openSaver();
  const graph = buildApprovalGraph(opened.saver);
  const submit = async (threadId: string, proposal: ReturnType<typeof autoProposal>) =>
    graph.invoke({ taskId: threadId, proposal }, threadConfig(threadId));
  try {
    const { tasks, concurrency } = options;
    // The same warm-up as Tollgate's: auto tasks outside the measured runs.
    await measure(Math.min(500, tasks), concurrency, (i) => submit(`warm-${i}`, autoProposal(i)));

    const auto = await measure(tasks, concurrency, async (i) => {
      const state = await submit(`auto-${i}`, autoProposal(i));
      if (state.outcome !== 'completed') throw new Error(`expected completed, got ${state.outcome}`);
    });

    const heapBefore = settledHeap();
    const park = await measure(tasks, concurrency, async (i) => {
      const state = await submit(`park-${i}`, parkProposal(i));
      if (!isInterrupted(state)) throw new Error(`expected an interrupted thread, got ${state.outcome}`);
    });
    const heapAfter = settledHeap();

    const approve: ApprovalDecision = { approved: true, by: BENCH_APPROVER.id };
    const resume = await measure(tasks, concurrency, async (i) => {
      const state = await graph.invoke(new Command({ resume: approve }), threadConfig(`park-${i}`));
      if (state.outcome !== 'completed') throw new Error(`expected completed, got ${state.outcome}`);
    });

    return { figures: toFigures({ auto, park, resume }, { before: heapBefore, after: heapAfter }, tasks), settings: opened.settings() };
  } finally {
    opened.close();
  }
}
