import { fromAsync } from './promise-logic.ts';
import type { ApprovalStoreInput } from '../machines/task.machine.ts';
import type { Clock } from '../src/engine/clock.ts';
import type { IdGenerator } from '../src/engine/ids.ts';
import type { PolicyRuntime } from '../src/engine/policy-runtime.ts';
import type { Approval } from '../src/model/approval.ts';

/**
 * The `approvalStore` child actor: files the approval item a parked task waits for — its id,
 * quorum, binding (argsHash + policyVersion) and deadlines. The engine makes it durable in the
 * same transaction that parks the task, so a task is never parked without its approval.
 *
 * @example taskMachine.provide({ actors: { approvalStore: createApprovalStoreActor({ clock, ids, policy }) } })
 */
export function createApprovalStoreActor(deps: { clock: Clock; ids: IdGenerator; policy: PolicyRuntime }) {
  return fromAsync<Approval, ApprovalStoreInput>((input) => fileApproval(deps, input));
}

/** Builds the approval item for a task SecOps escalated. */
export function fileApproval(
  deps: { clock: Clock; ids: IdGenerator; policy: PolicyRuntime },
  input: ApprovalStoreInput,
): Approval {
  const { proposal, verdict } = input;
  const filedAt = deps.clock.now();
  const plan = deps.policy.planDeadlines(verdict.riskLevel, filedAt, proposal.ttlSeconds);
  const approval: Approval = {
    id: deps.ids.next(),
    taskId: input.taskId,
    actionType: proposal.actionType,
    title: proposal.title,
    requestedBy: proposal.proposedBy ?? proposal.agentId,
    riskLevel: verdict.riskLevel,
    status: 'pending',
    requiredApprovals: verdict.requiredApprovals,
    approvals: [],
    escalationTier: 0,
    argsHash: verdict.argsHash,
    policyVersion: verdict.policyVersion,
    createdAt: new Date(filedAt).toISOString(),
    expiresAt: plan.expiresAt,
    decidedAt: null,
    decidedBy: null,
    decisionReason: null,
    onTimeout:
      plan.onTimeout === 'escalate' && plan.escalationDeadlines.length === 0
        ? (plan.onEscalationExhausted ?? 'deny')
        : plan.onTimeout,
    escalationDeadlines: plan.escalationDeadlines,
  };
  if (proposal.description !== undefined) approval.description = proposal.description;
  if (plan.onEscalationExhausted !== undefined) approval.onEscalationExhausted = plan.onEscalationExhausted;
  return approval;
}
