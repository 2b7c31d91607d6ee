import { type ApprovalPosition, riskRankSql, urgencyRank } from '../model/approval-order.ts';
import { RISK_LEVELS, type RiskLevel } from '../model/risk.ts';
import type { ApprovalQuery } from './store.ts';

/**
 * `ORDER BY` of the `urgency` order (model/approval-order.ts) in SQL, the same for SQLite and
 * PostgreSQL: risk rank, deadline (none last), oldest request, id. The stores' indexes
 * `approvals_pending_urgency` are on exactly these expressions, for pending approvals.
 */
export const URGENCY_ORDER_SQL = `${riskRankSql('risk_level')}, expires_at IS NULL, expires_at, created_at, id`;

/** The urgency order within one risk tier. */
const URGENCY_WITHIN_RISK_SQL = 'expires_at IS NULL, expires_at, created_at, id';

/**
 * Which SQL store a query is for. Their planners differ in one way that matters here: SQLite
 * sorts again when an ORDER BY names an expression the WHERE fixes, and PostgreSQL sorts again
 * when it does not (it keeps an index's order only for an ORDER BY that spells the index out,
 * or leaves out what is fixed by an equality it recognises as one).
 */
export type SqlDialect = 'sqlite' | 'postgres';

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
  if (query.riskAtMost !== undefined && RISK_LEVELS.includes(query.riskAtMost)) {
    // A range of the risk rank (riskier ranks lower): the urgency index is entered there.
    if (options.forRows && query.order === 'urgency') terms.push({ sql: `${riskRankSql('risk_level')} >= ${urgencyRank(query.riskAtMost)}`, values: [] });
    else terms.push({ sql: `risk_level IN (${atMost(query.riskAtMost).map((risk) => `'${risk}'`).join(', ')})`, values: [] });
  }
  if (query.actionType !== undefined) terms.push({ sql: 'action_type = ?', values: [query.actionType] });
  return terms;
}

/** The risk levels up to and including `ceiling` (constants of ours: safe to write into SQL). */
function atMost(ceiling: RiskLevel): RiskLevel[] {
  return RISK_LEVELS.slice(0, RISK_LEVELS.indexOf(ceiling) + 1);
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

/**
 * One query of a listing: WHERE terms beyond the filters, and the `ORDER BY` to read them in.
 * A listing reads its segments in turn until the page is full.
 */
export interface ApprovalSegment {
  terms: ApprovalFilterTerm[];
  orderBy: string;
}

/**
 * The queries that read a listing, in order. Without `after`: one, the filters in the query's
 * order (with `offset`). With `after` (keyset paging), the approvals past that position, each
 * segment a range an index can seek to, so any page costs what the first one does:
 * - `newest`: one range, `(created_at, id) < (…)`.
 * - `urgency`: the rest of the position's deadline group within its risk tier, then its tier's
 *   approvals without a deadline (when the position had one), then the lower tiers. (A single
 *   row-value range over the whole key is not seekable: the risk rank and the deadline flag are
 *   expressions, and a NULL deadline compares as unknown.) Within one tier SQLite's ORDER BY
 *   leaves out what the WHERE fixes, PostgreSQL's spells out the index (see {@link SqlDialect}).
 * Both read `TRUE`/`FALSE` and row values, so the terms are the same for both.
 * @example for (const segment of approvalSegments(query, 'sqlite')) rows.push(...read(segment, limit - rows.length));
 */
export function approvalSegments(query: ApprovalQuery, dialect: SqlDialect): ApprovalSegment[] {
  const after = query.after;
  if (after === undefined) return [{ terms: [], orderBy: approvalOrderSql(query) }];
  if (query.order !== 'urgency') {
    return [{ terms: [{ sql: '(created_at, id) < (?, ?)', values: [after.createdAt, after.id] }], orderBy: NEWEST_ORDER_SQL }];
  }
  if (query.riskLevel !== undefined && query.riskLevel !== after.riskLevel) {
    // A position in another tier than the filter's: the whole tier lies after it, or none of it.
    return urgencyRank(query.riskLevel) > urgencyRank(after.riskLevel) ? [{ terms: [], orderBy: approvalOrderSql(query) }] : [];
  }
  return urgencySegments(after, query.riskLevel === undefined, dialect);
}

function urgencySegments(after: ApprovalPosition, lowerTiers: boolean, dialect: SqlDialect): ApprovalSegment[] {
  const inTier = (rest: string) => (dialect === 'sqlite' ? rest : URGENCY_ORDER_SQL);
  const tier = { sql: `${riskRankSql('risk_level')} = ${urgencyRank(after.riskLevel)}`, values: [] };
  // `(expires_at IS NULL) = …` fixes the index's second expression (the planners match it only
  // spelled so); `expires_at IS NULL` then fixes its third column, so that the range on
  // (created_at, id) that follows can be sought.
  const withDeadline = { sql: '(expires_at IS NULL) = FALSE', values: [] };
  const withoutDeadline = [
    { sql: '(expires_at IS NULL) = TRUE', values: [] },
    { sql: 'expires_at IS NULL', values: [] },
  ];
  const segments: ApprovalSegment[] = [];
  if (after.expiresAt !== null) {
    segments.push({
      terms: [tier, withDeadline, { sql: '(expires_at, created_at, id) > (?, ?, ?)', values: [after.expiresAt, after.createdAt, after.id] }],
      orderBy: inTier('expires_at, created_at, id'),
    });
    segments.push({ terms: [tier, ...withoutDeadline], orderBy: inTier('created_at, id') });
  } else {
    segments.push({
      terms: [tier, ...withoutDeadline, { sql: '(created_at, id) > (?, ?)', values: [after.createdAt, after.id] }],
      orderBy: inTier('created_at, id'),
    });
  }
  if (lowerTiers) {
    segments.push({ terms: [{ sql: `${riskRankSql('risk_level')} > ${urgencyRank(after.riskLevel)}`, values: [] }], orderBy: URGENCY_ORDER_SQL });
  }
  return segments;
}

/**
 * Reads a listing's segments (approvalSegments) in turn with `read(segment, limit, offset)`
 * until `query.limit` rows are in, skipping `query.offset` rows across them.
 * @example const rows = await readSegments(query, 'sqlite', (segment, limit, offset) => db.all(sqlOf(segment), limit, offset));
 */
export async function readSegments<Row>(
  query: ApprovalQuery,
  dialect: SqlDialect,
  read: (segment: ApprovalSegment, limit: number, offset: number) => Row[] | Promise<Row[]>,
): Promise<Row[]> {
  const segments = approvalSegments(query, dialect);
  if (segments.length === 1) return read(segments[0] as ApprovalSegment, query.limit, query.offset);
  const rows: Row[] = [];
  for (const segment of segments) {
    rows.push(...(await read(segment, query.offset + query.limit - rows.length, 0)));
    if (rows.length >= query.offset + query.limit) break;
  }
  return rows.slice(query.offset, query.offset + query.limit);
}
