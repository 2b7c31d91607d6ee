import { fromPromise } from 'xstate';
import type { ApprovalStoreInput, ExecutorInput, SecOpsInput } from '../../machines/task.machine.ts';
import type { Approval } from '../../src/model/approval.ts';
import type { JsonValue } from '../../src/model/json.ts';
import type { Verdict, VerdictDecision } from '../../src/model/verdict.ts';

/** A verdict for tests. */
export function verdictOf(decision: VerdictDecision, overrides: Partial<Verdict> = {}): Verdict {
  return {
    decision,
    reason: `test ${decision}`,
    matchedRules: [`test:${decision}`],
    riskLevel: 'high',
    autonomy: 'semi',
    requiredApprovals: 1,
    policyVersion: 'sha256:test',
    argsHash: 'hash-of-args',
    durationMs: 0,
    ...(decision === 'alternative' ? { alternative: { actionType: 'vcs:push', args: { force: 'with-lease' } } } : {}),
    ...overrides,
  };
}

/** An approval as the approval store would file it. */
export function approvalFor(input: ApprovalStoreInput, overrides: Partial<Approval> = {}): Approval {
  return {
    id: `approval-${input.taskId}`,
    taskId: input.taskId,
    actionType: input.proposal.actionType,
    title: input.proposal.title,
    requestedBy: input.proposal.agentId,
    riskLevel: input.verdict.riskLevel,
    status: 'pending',
    requiredApprovals: input.verdict.requiredApprovals,
    approvals: [],
    escalationTier: 0,
    argsHash: input.verdict.argsHash,
    policyVersion: input.verdict.policyVersion,
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T04:00:00.000Z',
    decidedAt: null,
    decidedBy: null,
    decisionReason: null,
    onTimeout: 'deny',
    escalationDeadlines: [],
    ...overrides,
  };
}

/** Child actors that answer at once, for driving the pure machine. */
export function stubActors(options: {
  verdict: (input: SecOpsInput) => Verdict;
  approval?: (input: ApprovalStoreInput) => Approval;
  execute?: (input: ExecutorInput) => JsonValue;
}) {
  return {
    secOps: fromPromise<Verdict, SecOpsInput>(async ({ input }) => options.verdict(input)),
    approvalStore: fromPromise<Approval, ApprovalStoreInput>(async ({ input }) =>
      (options.approval ?? ((i) => approvalFor(i)))(input),
    ),
    executor: fromPromise<JsonValue, ExecutorInput>(async ({ input }) => (options.execute ?? (() => ({ ok: true })))(input)),
  };
}
