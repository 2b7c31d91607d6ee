import type { Approval, RiskLevel } from '../api/types.ts';
import { isAbove } from './decision-limit.ts';
import { orderQueue } from './queue-order.ts';

/**
 * The queue as an approver works it: the approvals they may decide first (in working order),
 * then those above their limit, which they can only watch. Without a limit below `critical`
 * (`decidable` null) it is the plain working order. An approval in both lists appears once.
 * @example arrangeQueue(page.items, mine.items, 'high')
 */
export function arrangeQueue(all: readonly Approval[], decidable: readonly Approval[] | null, limit: RiskLevel | null): Approval[] {
  if (decidable === null || limit === null) return orderQueue(all);
  const first = orderQueue(decidable);
  const seen = new Set(first.map((approval) => approval.id));
  const above = orderQueue(all.filter((approval) => isAbove(approval.riskLevel, limit) && !seen.has(approval.id)));
  return [...first, ...above];
}
