import type { Approval, RiskLevel } from '../api/types.ts';

const RISK_RANK: Record<RiskLevel, number> = { critical: 3, high: 2, medium: 1, low: 0 };

/**
 * The approval queue in working order: pending only; highest risk first; within a risk, the
 * nearest deadline first (no deadline last); then the oldest request first; then by id, so
 * the order is stable between refreshes.
 * @example orderQueue(items).map((a) => a.id)
 */
export function orderQueue(approvals: readonly Approval[]): Approval[] {
  return approvals.filter((approval) => approval.status === 'pending').sort(compareInQueue);
}

/** The comparison `orderQueue` sorts by. */
export function compareInQueue(a: Approval, b: Approval): number {
  const risk = RISK_RANK[b.riskLevel] - RISK_RANK[a.riskLevel];
  if (risk !== 0) return risk;
  const [deadlineA, deadlineB] = [deadlineOf(a), deadlineOf(b)];
  if (deadlineA !== deadlineB) return deadlineA < deadlineB ? -1 : 1;
  const age = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  if (age !== 0 && !Number.isNaN(age)) return age;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function deadlineOf(approval: Approval): number {
  if (approval.expiresAt === null) return Number.POSITIVE_INFINITY;
  const at = Date.parse(approval.expiresAt);
  return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
}
