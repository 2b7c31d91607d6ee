import type { Principal, RiskLevel } from '../api/types.ts';
import { riskLimitSentence } from './sentences.ts';
import { sameIdentity } from '../../../src/model/principal-id.ts';

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * The highest risk a principal may decide (approve, reject or reroute), as the server judges it
 * (API.md): approvers and admins up to their `maxRisk` (default `high`, for admins `critical`),
 * anyone else nothing.
 * @example decisionLimit({ id: 'carol', roles: ['approver'] }) // 'high'
 */
export function decisionLimit(principal: Principal | null): RiskLevel | null {
  if (!principal) return null;
  const admin = principal.roles.includes('admin');
  if (!admin && !principal.roles.includes('approver')) return null;
  return principal.maxRisk ?? (admin ? 'critical' : 'high');
}

/**
 * Whether a risk is above a limit.
 * @example isAbove('critical', 'high') // true
 */
export function isAbove(risk: RiskLevel, limit: RiskLevel): boolean {
  return RANK[risk] > RANK[limit];
}

/**
 * Why this principal may not decide an approval of this risk, as a sentence, or null when they
 * may (or hold no deciding role at all: the queue says that once, not on every card).
 * @example aboveLimitSentence('critical', { id: 'carol', roles: ['approver'] }) // 'This is a critical-risk action …'
 */
export function aboveLimitSentence(risk: RiskLevel, principal: Principal | null): string | null {
  const limit = decisionLimit(principal);
  if (limit === null || !isAbove(risk, limit)) return null;
  return riskLimitSentence(risk, limit);
}

/** Why a principal may not decide an approval: the card's buttons are disabled with `reason`; `sentence`, when set, is shown on the card. */
export interface CardRefusal {
  reason: string;
  /** Null when the queue says it once for all cards (no deciding role). */
  sentence: string | null;
}

/**
 * Whether (and why) the signed-in principal may not decide this approval, as the server would
 * judge it: no deciding role, their own request, or a risk above their limit. Said at once on the
 * card instead of after a refused click.
 * @example cardRefusal({ requestedBy: 'sam', riskLevel: 'high' }, sam)?.sentence // 'You requested this action, …'
 */
export function cardRefusal(approval: { requestedBy: string; riskLevel: RiskLevel }, principal: Principal | null): CardRefusal | null {
  if (!principal) return null;
  if (decisionLimit(principal) === null) return { reason: 'Deciding needs the approver or admin role.', sentence: null };
  // Compared as the server compares them (model/principal-id.ts): `Sam` may not decide what `sam` asked.
  if (sameIdentity(approval.requestedBy, principal.id)) {
    const sentence = 'You requested this action, so someone else must decide on it.';
    return { reason: sentence, sentence };
  }
  const above = aboveLimitSentence(approval.riskLevel, principal);
  return above ? { reason: above, sentence: above } : null;
}

/**
 * What a principal who already approved an approval still pending waits for, as a sentence
 * (the server refuses a second approval with 409 already_voted), or null when they have not
 * voted. They may still reject or reroute it.
 * @example votedSentence({ approvals: [{ by: 'alice' }], requiredApprovals: 2 }, alice) // 'You approved (1 of 2); waiting for another approver.'
 */
export function votedSentence(approval: { approvals: readonly { by: string }[]; requiredApprovals: number }, principal: Principal | null): string | null {
  if (!principal || !approval.approvals.some((vote) => sameIdentity(vote.by, principal.id))) return null;
  const left = Math.max(0, approval.requiredApprovals - approval.approvals.length);
  const waiting = left <= 1 ? 'another approver' : `${left} more approvers`;
  return `You approved (${approval.approvals.length} of ${approval.requiredApprovals}); waiting for ${waiting}.`;
}
