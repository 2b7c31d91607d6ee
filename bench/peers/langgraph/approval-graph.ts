import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { Annotation, Command, END, START, StateGraph, interrupt } from '@langchain/langgraph';
import { defaultPolicyRuntime } from '../../../src/engine/default-policy-runtime.ts';
import type { JsonObject } from '../../../src/model/json.ts';
import type { Proposal } from '../../../src/model/proposal.ts';
import type { Verdict } from '../../../src/model/verdict.ts';

/** What a human answers to a parked task: the value passed to `Command({ resume })`. */
export interface ApprovalDecision {
  approved: boolean;
  by: string;
}

/** What `interrupt()` surfaces to the approver while the task is parked. */
export interface ApprovalRequest {
  taskId: string;
  actionType: string;
  riskLevel: Verdict['riskLevel'];
  reason: string;
}

/**
 * The state of one gated action, one thread per task. `outcome` is the terminal state the
 * Tollgate task machine would reach (`completed` or `denied`).
 */
export const ApprovalState = Annotation.Root({
  taskId: Annotation<string>,
  proposal: Annotation<Proposal>,
  verdict: Annotation<Verdict | undefined>,
  approval: Annotation<ApprovalDecision | undefined>,
  result: Annotation<JsonObject | undefined>,
  outcome: Annotation<'completed' | 'denied' | undefined>,
});
export type ApprovalStateValue = typeof ApprovalState.State;

/**
 * The Tollgate workload as an idiomatic LangGraph graph:
 * `evaluate` → (allow) `execute`; (escalate) `awaitApproval`, which parks the thread with
 * `interrupt()` until it is resumed with `new Command({ resume: { approved, by } })`, then
 * `execute` or `deny`; (deny, alternative) `deny`.
 *
 * `evaluate` calls the very policy Tollgate's `secOps` actor calls, and `execute` does what
 * the benchmark's Tollgate executor does, so a comparison measures the runtimes and their
 * persistence, not different business logic.
 * @example const graph = buildApprovalGraph(new MemorySaver());
 * await graph.invoke({ taskId: 't1', proposal }, { configurable: { thread_id: 't1' } });
 */
export function buildApprovalGraph(checkpointer: BaseCheckpointSaver) {
  const policy = defaultPolicyRuntime();
  return new StateGraph(ApprovalState)
    .addNode('evaluate', ({ taskId, proposal }) => ({
      verdict: policy.evaluate({ taskId, actionType: proposal.actionType, args: proposal.args ?? {}, agentId: proposal.agentId }),
    }))
    .addNode(
      'awaitApproval',
      ({ taskId, proposal, verdict }) => {
        // Re-runs from the top on resume; everything above `interrupt()` must stay pure.
        const decision = interrupt<ApprovalRequest, ApprovalDecision>({
          taskId,
          actionType: proposal.actionType,
          riskLevel: verdict?.riskLevel ?? 'high',
          reason: verdict?.reason ?? '',
        });
        return new Command({ goto: decision.approved ? 'execute' : 'deny', update: { approval: decision } });
      },
      { ends: ['execute', 'deny'] },
    )
    .addNode('execute', () => ({ result: { cleared: true }, outcome: 'completed' as const }))
    .addNode('deny', () => ({ outcome: 'denied' as const }))
    .addEdge(START, 'evaluate')
    .addConditionalEdges('evaluate', routeVerdict, ['execute', 'awaitApproval', 'deny'])
    .addEdge('execute', END)
    .addEdge('deny', END)
    .compile({ checkpointer });
}

/** Where a verdict sends the task; anything but allow or escalate is denied (fail closed). */
function routeVerdict({ verdict }: ApprovalStateValue): 'execute' | 'awaitApproval' | 'deny' {
  if (verdict?.decision === 'allow') return 'execute';
  if (verdict?.decision === 'escalate') return 'awaitApproval';
  return 'deny';
}
