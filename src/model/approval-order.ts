import { z } from 'zod';
import type { Approval } from './approval.ts';
import { RISK_LEVELS, RiskLevel } from './risk.ts';
import { plainText } from './text.ts';

/**
 * How a list of approvals is ordered.
 * - `newest`: newest request first (`createdAt` desc, then `id` desc) — API.md's order.
 * - `urgency`: the order a human works the queue in — highest risk first; within a risk, the
 *   nearest deadline first (no deadline last); then the oldest request; then `id`. Served by an
 *   index for pending approvals, so the most urgent page costs the same at any queue length.
 */
export const APPROVAL_ORDERS = ['newest', 'urgency'] as const;

/** An order of approval lists (see {@link APPROVAL_ORDERS}). */
export const ApprovalOrder = z.enum(APPROVAL_ORDERS);
export type ApprovalOrder = z.infer<typeof ApprovalOrder>;

/**
 * A risk tier's place in the urgency order: `critical` 0 … `low` 3. The SQL stores index the
 * same numbers (`riskRankSql`), so every store orders alike.
 * @example urgencyRank('critical') // 0
 */
export function urgencyRank(risk: RiskLevel): number {
  return RISK_LEVELS.length - 1 - RISK_LEVELS.indexOf(risk);
}

/**
 * The SQL expression of {@link urgencyRank} over a `risk_level` column. Indexes and queries must
 * spell it identically for the planner to match them.
 * @example `ORDER BY ${riskRankSql('risk_level')}, …`
 */
export function riskRankSql(column: string): string {
  const arms = RISK_LEVELS.map((risk) => `WHEN '${risk}' THEN ${urgencyRank(risk)}`).join(' ');
  return `(CASE ${column} ${arms} ELSE ${RISK_LEVELS.length} END)`;
}

/** A time as the engine writes it (ISO-8601 UTC with milliseconds), which the stores compare as text. */
const EngineTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'must be an ISO-8601 UTC time with milliseconds');

/**
 * Where an approval stands in either order: the fields the orders compare. The last item's
 * position is where the next page starts (keyset paging: `after`). Strict, because it also
 * arrives from outside, inside a page cursor.
 */
export const ApprovalPosition = z.strictObject({
  riskLevel: RiskLevel,
  expiresAt: EngineTime.nullable(),
  createdAt: EngineTime,
  id: plainText(1, 200),
});
export type ApprovalPosition = z.infer<typeof ApprovalPosition>;

/**
 * The position of an approval, for the page after it.
 * @example store.listApprovals({ ...query, after: positionOf(page.items.at(-1)) })
 */
export function positionOf(approval: Pick<Approval, keyof ApprovalPosition>): ApprovalPosition {
  return { riskLevel: approval.riskLevel, expiresAt: approval.expiresAt, createdAt: approval.createdAt, id: approval.id };
}

/**
 * Compares two approvals in `urgency` order. Times are the engine's ISO-8601 UTC strings, which
 * sort as text exactly as they sort as times.
 * @example approvals.sort(compareByUrgency)
 */
export function compareByUrgency(a: ApprovalPosition, b: ApprovalPosition): number {
  const risk = urgencyRank(a.riskLevel) - urgencyRank(b.riskLevel);
  if (risk !== 0) return risk;
  if (a.expiresAt !== b.expiresAt) {
    if (a.expiresAt === null) return 1;
    if (b.expiresAt === null) return -1;
    return a.expiresAt < b.expiresAt ? -1 : 1;
  }
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Compares two approvals in `newest` order.
 * @example approvals.sort(compareByNewest)
 */
export function compareByNewest(a: ApprovalPosition, b: ApprovalPosition): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The comparison of an order.
 * @example approvals.sort(compareIn('urgency'))
 */
export function compareIn(order: ApprovalOrder | undefined): (a: ApprovalPosition, b: ApprovalPosition) => number {
  return order === 'urgency' ? compareByUrgency : compareByNewest;
}
