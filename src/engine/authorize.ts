import { ForbiddenError, ConflictError } from '../errors.ts';
import type { Approval } from '../model/approval.ts';
import type { Decision } from '../model/decision.ts';
import type { Principal } from '../model/principal.ts';
import { sameIdentity } from '../model/principal-id.ts';
import { compareRisk, type RiskLevel } from '../model/risk.ts';

/**
 * The highest risk a principal may decide: its `maxRisk`, else `critical` for admins and
 * `high` for approvers.
 * @example decisionCeiling({ id: 'a', roles: ['approver'] }) // 'high'
 */
export function decisionCeiling(principal: Principal): RiskLevel {
  if (principal.maxRisk) return principal.maxRisk;
  return principal.roles.includes('admin') ? 'critical' : 'high';
}

/**
 * Checks that a principal may make this decision on this approval, in the order API.md
 * promises: role, self-approval, risk ceiling (of the approval, and of a reroute's alternative
 * when its risk is given), state, double vote. The requester and the voters
 * are compared by {@link sameIdentity}: `Deploy-Bot` may not approve what `deploy-bot` asked for.
 * @throws ForbiddenError (forbidden | self_approval | risk_exceeds_role), ConflictError (not_pending | already_voted)
 * @example assertMayDecide(approval, { kind: 'approve' }, alice);
 */
export function assertMayDecide(approval: Approval, decision: Decision, principal: Principal, alternativeRisk?: RiskLevel): void {
  if (!principal.roles.includes('approver') && !principal.roles.includes('admin')) {
    throw new ForbiddenError(`${principal.id} is not an approver`);
  }
  // Ids that read the same (case, look-alikes, spaces: model/principal-id.ts) are one identity here.
  if (sameIdentity(approval.requestedBy, principal.id)) {
    throw new ForbiddenError(`${principal.id} requested this action and may not decide on it`, 'self_approval');
  }
  const ceiling = decisionCeiling(principal);
  if (compareRisk(approval.riskLevel, ceiling) > 0) {
    throw new ForbiddenError(
      `this approval is ${approval.riskLevel} risk; ${principal.id} may decide up to ${ceiling}`,
      'risk_exceeds_role',
    );
  }
  // A reroute decides its alternative too: it is run for the agent, at the agent's autonomy, and
  // may run at once; an approver may not send the agent to an action riskier than they may decide.
  if (decision.kind === 'reroute' && alternativeRisk !== undefined && compareRisk(alternativeRisk, ceiling) > 0) {
    throw new ForbiddenError(
      `the alternative ${decision.alternative.actionType} is ${alternativeRisk} risk; ${principal.id} may decide up to ${ceiling}`,
      'risk_exceeds_role',
    );
  }
  if (approval.status !== 'pending') {
    throw new ConflictError('not_pending', `approval ${approval.id} is ${approval.status}`);
  }
  if (decision.kind === 'approve' && approval.approvals.some((vote) => sameIdentity(vote.by, principal.id))) {
    throw new ConflictError('already_voted', `${principal.id} has already approved ${approval.id}`);
  }
}

/**
 * Checks that a principal may cancel a task: the agent that submitted it, or an admin.
 * @throws ForbiddenError
 */
export function assertMayCancel(agentId: string, principal: Principal): void {
  if (principal.roles.includes('admin')) return;
  if (principal.roles.includes('agent') && principal.id === agentId) return;
  throw new ForbiddenError(`${principal.id} may not cancel a task of ${agentId}`);
}
