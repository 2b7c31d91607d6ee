import { getSimplePaths } from 'xstate/graph';
import { taskMachine } from '../../machines/task.machine.ts';
import type { Approval } from '../../src/model/approval.ts';
import type { RiskLevel } from '../../src/model/risk.ts';
import type { Verdict } from '../../src/model/verdict.ts';
import { approvalFor, stubActors, verdictOf } from '../support/stub-actors.ts';

/** The submission that starts a path: which verdict, which approval plan, how execution goes. */
export interface SubmitStep {
  kind: 'submit';
  verdict: 'allow' | 'deny' | 'escalate' | 'alternative' | 'throws';
  /** For escalations: the approval's risk (it picks the timeout plan) and quorum. */
  risk: RiskLevel;
  quorum: number;
  executor: 'ok' | 'fails';
}

/** One engine operation of a path. */
/** What the policy deployed while a task was parked says when the task is released: absent when unchanged. */
export type PolicyChange = 'allows' | 'denies' | 'throws';

/** One engine operation of a path. A release (approve, timeout) may happen under a changed policy. */
export type PathStep =
  | SubmitStep
  | { kind: 'approve'; voter: number; policyChange?: PolicyChange }
  | { kind: 'reject' }
  | { kind: 'reroute' }
  | { kind: 'timeout'; policyChange?: PolicyChange }
  | { kind: 'cancel' };

/** A path: the engine operations, and the state the machine is in after each. */
export interface LifecyclePath {
  name: string;
  steps: PathStep[];
  states: string[];
}

type GraphEvent = { type: string; output?: unknown; by?: string; policyVersion?: string };
type GraphStep = { event: GraphEvent; state: { value: string } };

/** The version of the policy deployed while a task was parked, in paths that change it. */
export const CHANGED_POLICY = 'sha256:changed';

const INPUT = { taskId: 't', proposal: { actionType: 'vcs:push', title: 'p', args: {}, agentId: 'agent' } };
const AT_REST = new Set(['parked', 'completed', 'failed', 'denied', 'rerouted', 'expired', 'cancelled']);

/** Escalations as the test policy files them: high → deny on timeout; medium → escalation chain; low → approve on timeout; critical → quorum of 2. */
const ESCALATIONS: Array<{ verdict: Verdict; approval: Partial<Approval> }> = [
  { verdict: verdictOf('escalate', { riskLevel: 'high' }), approval: { onTimeout: 'deny' } },
  { verdict: verdictOf('escalate', { riskLevel: 'critical', requiredApprovals: 2 }), approval: { onTimeout: 'deny' } },
  {
    verdict: verdictOf('escalate', { riskLevel: 'medium' }),
    approval: { onTimeout: 'escalate', escalationDeadlines: ['later'], onEscalationExhausted: 'deny' },
  },
  { verdict: verdictOf('escalate', { riskLevel: 'low' }), approval: { onTimeout: 'approve' } },
];

/**
 * Enumerates every simple path through the real task machine — child actors given as stubs,
 * their outcomes offered to the traversal as events — and turns each into engine operations.
 * What a child actor does (evaluate, file the approval, execute) folds into the engine
 * operation that started it. Only paths that end at rest are kept.
 */
export function enumerateLifecyclePaths(): LifecyclePath[] {
  const machine = taskMachine.provide({ actors: stubActors({ verdict: () => verdictOf('allow') }) });
  const verdicts = [verdictOf('allow', { riskLevel: 'low' }), verdictOf('deny'), verdictOf('alternative'), ...ESCALATIONS.map((e) => e.verdict)];
  const events: GraphEvent[] = [
    { type: 'EVALUATE' },
    ...verdicts.map((output) => ({ type: 'xstate.done.actor.secOps', output })),
    { type: 'xstate.error.actor.secOps', output: new Error('rule threw') },
    ...ESCALATIONS.map(({ verdict, approval }) => ({
      type: 'xstate.done.actor.approvalStore',
      output: approvalFor({ taskId: 't', proposal: INPUT.proposal, verdict }, approval),
    })),
    { type: 'APPROVE', by: 'approver-0', at: 'now' } as GraphEvent,
    { type: 'APPROVE', by: 'approver-1', at: 'now' } as GraphEvent,
    { type: 'REJECT', by: 'approver-0', at: 'now', reason: 'no' } as GraphEvent,
    { type: 'REROUTE', by: 'approver-0', at: 'now', reason: 'safer', alternative: { actionType: 'test:allow' } } as GraphEvent,
    { type: 'TIMEOUT', at: 'now' } as GraphEvent,
    // Releases after a new policy was deployed, and what the new policy then says.
    { type: 'APPROVE', by: 'approver-0', at: 'now', policyVersion: CHANGED_POLICY } as GraphEvent,
    { type: 'APPROVE', by: 'approver-1', at: 'now', policyVersion: CHANGED_POLICY } as GraphEvent,
    { type: 'TIMEOUT', at: 'now', policyVersion: CHANGED_POLICY } as GraphEvent,
    // As changedTestPolicy('allows') judges on the engine: allowed, at low risk (a recheck that
    // rates the action riskier than its approval denies it: machine and engine tests cover that).
    { type: 'xstate.done.actor.recheck', output: verdictOf('allow', { policyVersion: CHANGED_POLICY, riskLevel: 'low' }) },
    { type: 'xstate.done.actor.recheck', output: verdictOf('deny', { policyVersion: CHANGED_POLICY }) },
    { type: 'xstate.error.actor.recheck', output: new Error('rule threw') },
    { type: 'CANCEL', by: 'agent', at: 'now' } as GraphEvent,
    { type: 'xstate.done.actor.executor', output: { ok: true } },
    { type: 'xstate.error.actor.executor', output: new Error('boom') },
  ].map((event) => (event.type.startsWith('xstate.error') ? { type: event.type, error: event.output } : event));

  const graphPaths = getSimplePaths(machine as never, {
    events: events as never,
    input: INPUT,
    serializeState: (snapshot: { value: unknown; context: { verdict: Verdict | null; approval: Approval | null } }) =>
      JSON.stringify([
        snapshot.value,
        snapshot.context.verdict?.riskLevel,
        snapshot.context.approval?.riskLevel,
        snapshot.context.approval?.escalationTier,
        snapshot.context.approval?.approvals.map((vote) => vote.by),
      ]),
  } as never) as unknown as Array<{ steps: GraphStep[] }>;

  const paths = new Map<string, LifecyclePath>();
  for (const graphPath of graphPaths) {
    const path = toLifecyclePath(graphPath.steps);
    if (path && !paths.has(path.name)) paths.set(path.name, path);
  }
  return [...paths.values()];
}

function toLifecyclePath(graphSteps: GraphStep[]): LifecyclePath | null {
  const last = graphSteps.at(-1)?.state.value;
  if (!last || !AT_REST.has(last)) return null;
  const steps: PathStep[] = [];
  const states: string[] = [];
  let submit: SubmitStep | null = null;
  for (const { event, state } of graphSteps) {
    const step = toStep(event);
    if (step) {
      steps.push(step);
      if (step.kind === 'submit') submit = step;
    }
    if (event.type === 'xstate.done.actor.approvalStore' && submit) {
      const approval = event.output as Approval;
      // The traversal may file an approval of another risk than the verdict: not a real path.
      if (approval.riskLevel !== submit.risk) return null;
      submit.quorum = approval.requiredApprovals;
    }
    if (event.type === 'xstate.error.actor.executor' && submit) submit.executor = 'fails';
    const release = steps.at(-1);
    if (release && (release.kind === 'approve' || release.kind === 'timeout') && release.policyChange) {
      if (event.type === 'xstate.done.actor.recheck') release.policyChange = (event.output as Verdict).decision === 'deny' ? 'denies' : 'allows';
      if (event.type === 'xstate.error.actor.recheck') release.policyChange = 'throws';
    }
    if (steps.length > 0) states[steps.length - 1] = state.value;
  }
  // Every engine operation must end at rest: a path cut mid-operation is not replayable.
  if (states.some((state) => !AT_REST.has(state))) return null;
  const label = steps
    .map((step) =>
      step.kind === 'submit'
        ? `submit(${step.verdict}/${step.risk}/${step.quorum}/${step.executor})`
        : `${step.kind === 'approve' ? `approve#${step.voter}` : step.kind}${'policyChange' in step && step.policyChange ? `[policy ${step.policyChange}]` : ''}`,
    )
    .join(' → ');
  return { name: `${label} ⇒ ${last}`, steps, states };
}

/** The engine operation a machine event stands for; null for a child actor's outcome. */
function toStep(event: GraphEvent): PathStep | null {
  switch (event.type) {
    case 'xstate.done.actor.secOps': {
      const verdict = event.output as Verdict;
      return { kind: 'submit', verdict: verdict.decision, risk: verdict.riskLevel, quorum: 1, executor: 'ok' };
    }
    case 'xstate.error.actor.secOps':
      return { kind: 'submit', verdict: 'throws', risk: 'high', quorum: 1, executor: 'ok' };
    case 'APPROVE': {
      const voter = event.by === 'approver-1' ? 1 : 0;
      // 'allows' until the recheck's outcome says otherwise (a vote short of quorum never rechecks).
      return event.policyVersion ? { kind: 'approve', voter, policyChange: 'allows' } : { kind: 'approve', voter };
    }
    case 'REJECT':
      return { kind: 'reject' };
    case 'REROUTE':
      return { kind: 'reroute' };
    case 'TIMEOUT':
      return event.policyVersion ? { kind: 'timeout', policyChange: 'allows' } : { kind: 'timeout' };
    case 'CANCEL':
      return { kind: 'cancel' };
    default:
      return null;
  }
}
