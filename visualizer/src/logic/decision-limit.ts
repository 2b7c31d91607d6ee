import type { Principal, RiskLevel } from '../api/types.ts';
import { riskLimitSentence } from './sentences.ts';

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
