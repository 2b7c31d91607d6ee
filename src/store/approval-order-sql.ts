import { riskRankSql, urgencyRank } from '../model/approval-order.ts';
import { RISK_LEVELS } from '../model/risk.ts';
import type { ApprovalQuery } from './store.ts';

/**
 * `ORDER BY` of the `urgency` order (model/approval-order.ts) in SQL, the same for SQLite and
 * PostgreSQL: risk rank, deadline (none last), oldest request, id. The stores' indexes
 * `approvals_pending_urgency` are on exactly these expressions, for pending approvals.
 */
export const URGENCY_ORDER_SQL = `${riskRankSql('risk_level')}, expires_at IS NULL, expires_at, created_at, id`;

/** The urgency order within one risk tier. */
const URGENCY_WITHIN_RISK_SQL = 'expires_at IS NULL, expires_at, created_at, id';

/** `ORDER BY` of the `newest` order: newest request first. */
export const NEWEST_ORDER_SQL = 'created_at DESC, id DESC';

/** A filter term of an approvals query: SQL with `?` for each value in `values`. */
export interface ApprovalFilterTerm {
  sql: string;
  values: unknown[];
}

/**
 * The WHERE terms of an approvals query, `?` placeholders in order. `status = 'pending'` is
 * written as a literal (a constant of ours, never the caller's text) because a planner matches a
 * partial index `WHERE status = 'pending'` only against the literal. `forRows`, for the urgency
 * order under a risk filter, filters on the risk rank instead of the column, so the index is
 * entered at that rank and read from there without touching the rows it skips.
 * @example approvalFilterTerms({ status: 'pending', offset: 0, limit: 50 }, { forRows: true })
 */
export function approvalFilterTerms(query: ApprovalQuery, options: { forRows: boolean }): ApprovalFilterTerm[] {
  const terms: ApprovalFilterTerm[] = [];
  if (query.status === 'pending') terms.push({ sql: "status = 'pending'", values: [] });
  else if (query.status !== undefined) terms.push({ sql: 'status = ?', values: [query.status] });
  if (query.riskLevel !== undefined) {
    // The rank alone, not also `risk_level = ?`: each tier has its own rank, and a second term on
    // the column would read every row the index walks past (64 ms at offset 50,000, measured).
    if (options.forRows && query.order === 'urgency' && RISK_LEVELS.includes(query.riskLevel)) {
      terms.push({ sql: `${riskRankSql('risk_level')} = ${urgencyRank(query.riskLevel)}`, values: [] });
    } else terms.push({ sql: 'risk_level = ?', values: [query.riskLevel] });
  }
  if (query.actionType !== undefined) terms.push({ sql: 'action_type = ?', values: [query.actionType] });
  return terms;
}

/**
 * The `ORDER BY` text of a query's order. Under a risk filter the urgency order leaves out the
 * risk rank: it is one value there, and SQLite sorts again when an ORDER BY names an expression
 * that the WHERE fixes, instead of reading the index in order.
 */
export function approvalOrderSql(query: ApprovalQuery): string {
  if (query.order !== 'urgency') return NEWEST_ORDER_SQL;
  return query.riskLevel === undefined ? URGENCY_ORDER_SQL : URGENCY_WITHIN_RISK_SQL;
}

/** Whether the query reads pending approvals in urgency order: what `approvals_pending_urgency` serves. */
export function readsPendingByUrgency(query: ApprovalQuery): boolean {
  return query.status === 'pending' && query.order === 'urgency';
}
