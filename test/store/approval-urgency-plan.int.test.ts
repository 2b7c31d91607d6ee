import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RiskLevel } from '../../src/model/risk.ts';
import { type ApprovalFilterTerm, type SqlDialect, approvalFilterTerms, approvalOrderSql, approvalSegments } from '../../src/store/approval-order-sql.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { ApprovalQuery, Store } from '../../src/store/store.ts';
import { approvalOf, insertOf, isoAt, taskRecord } from './fixtures.ts';
import { TEST_PG_URL, TestDatabase, testSchemaName } from './postgres-harness.ts';

// The urgency order of pending approvals is read from the partial index
// approvals_pending_urgency, in order, on both SQL stores: the first page costs the same with a
// thousand pending approvals as with a million. (The SQLite store names the index with INDEXED
// BY, so a query that could not use it would fail every conformance test; PostgreSQL chooses by
// its statistics, checked here with EXPLAIN.)

const RISKS: RiskLevel[] = ['low', 'medium', 'high', 'critical'];
const QUERIES: ApprovalQuery[] = [
  { status: 'pending', order: 'urgency', offset: 0, limit: 50 },
  { status: 'pending', order: 'urgency', riskLevel: 'high', offset: 0, limit: 50 },
  { status: 'pending', order: 'urgency', riskAtMost: 'high', offset: 0, limit: 50 },
];

async function seed(store: Store, count: number): Promise<void> {
  for (let n = 1; n <= count; n += 1) {
    const riskLevel = RISKS[Math.floor(n / 10) % 4] as RiskLevel;
    const task = taskRecord(n, { riskLevel });
    // Most decided, as in a real store: the partial index holds only the pending tenth.
    const status = n % 10 === 0 ? 'pending' : 'approved';
    await store.commit(insertOf(task, { approval: approvalOf(task, { riskLevel, status, expiresAt: isoAt(n % 97) }) }));
  }
}

/** A position in each kind of place: with a deadline, without one, in the middle tiers. */
const AFTER: ApprovalQuery[] = [
  { status: 'pending', order: 'urgency', offset: 0, limit: 50, after: { riskLevel: 'high', expiresAt: isoAt(40), createdAt: isoAt(0), id: 'a-0500' } },
  { status: 'pending', order: 'urgency', offset: 0, limit: 50, after: { riskLevel: 'medium', expiresAt: null, createdAt: isoAt(0), id: 'a-0500' } },
  { status: 'pending', order: 'urgency', riskLevel: 'high', offset: 0, limit: 50, after: { riskLevel: 'high', expiresAt: isoAt(40), createdAt: isoAt(0), id: 'a-0500' } },
  { status: 'pending', order: 'newest', offset: 0, limit: 50, after: { riskLevel: 'high', expiresAt: null, createdAt: isoAt(0), id: 'a-0500' } },
];

/** Each query a keyset page runs, as the stores write it: the filters, then the segment's terms, with values inlined. */
function segmentSql(table: string, query: ApprovalQuery, dialect: SqlDialect): string[] {
  const inline = (term: ApprovalFilterTerm) => {
    let next = 0;
    return term.sql.replace(/\?/g, () => `'${String(term.values[next++])}'`);
  };
  const filters = approvalFilterTerms(query, { forRows: true });
  return approvalSegments(query, dialect).map(
    (segment) => `SELECT * FROM ${table} WHERE ${[...filters, ...segment.terms].map(inline).join(' AND ')} ORDER BY ${segment.orderBy} LIMIT ${query.limit}`,
  );
}

/** The listing's SQL as the PostgreSQL store writes it, with the values inlined for EXPLAIN. */
function postgresListing(schema: string, query: ApprovalQuery): string {
  const terms = approvalFilterTerms(query, { forRows: true });
  const where = terms.map((term) => term.sql.replace(/\?/g, () => `'${String(term.values[0])}'`)).join(' AND ');
  return `SELECT * FROM "${schema}".approvals WHERE ${where} ORDER BY ${approvalOrderSql(query)} LIMIT ${query.limit}`;
}

describe('the urgency order of pending approvals on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-urgency-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a database of the release before gets the index when opened, and its queue reads in order', async () => {
    const path = join(dir, 'old.db');
    const store = await openSqliteStore({ path });
    await seed(store, 200);
    await store.close();
    const old = new Database(path);
    old.exec('DROP INDEX approvals_pending_urgency; DROP TABLE journal_head; DROP INDEX approvals_pending_due');
    old.pragma('user_version = 4');
    old.close();

    const migrated = await openSqliteStore({ path });
    const page = await migrated.listApprovals(QUERIES[0] as ApprovalQuery);
    expect(page.items.map((approval) => approval.riskLevel).slice(0, 5)).toEqual(['critical', 'critical', 'critical', 'critical', 'critical']);
    expect(page.total).toBe(20);
    await migrated.close();
    const reopened = new Database(path, { readonly: true });
    expect(reopened.prepare("SELECT name FROM sqlite_master WHERE name = 'approvals_pending_urgency'").get()).toBeTruthy();
    reopened.close();
  });

  it.each(AFTER.map((query) => [`${query.order}, ${query.riskLevel ?? 'any risk'}, after ${query.after?.riskLevel} ${query.after?.expiresAt ? 'with' : 'without'} a deadline`, query] as const))(
    'a page after a position seeks each of its ranges in an index, without a sort (%s)',
    async (_label, query) => {
      const path = join(dir, `plan-${Math.random().toString(36).slice(2)}.db`);
      const store = await openSqliteStore({ path });
      await seed(store, 500);
      await store.close();
      const db = new Database(path, { readonly: true });
      const table = query.order === 'urgency' ? 'approvals INDEXED BY approvals_pending_urgency' : 'approvals';
      const ranges = segmentSql(table, query, 'sqlite');
      // A page after a position reads at least one range: none would leave nothing to check.
      expect(ranges.length).toBeGreaterThan(0);
      for (const sql of ranges) {
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all().map((row) => (row as { detail: string }).detail).join(' | ');
        expect(plan).toMatch(/^SEARCH approvals USING (COVERING )?INDEX approvals_(pending_urgency|status_newest) \(/);
        expect(plan).not.toContain('TEMP B-TREE');
      }
      db.close();
    },
  );
});

describe('the urgency order of pending approvals on PostgreSQL', () => {
  const schema = testSchemaName('urgency');
  const db = new TestDatabase();
  let store: Store | undefined;

  beforeAll(async () => {
    if (!(await db.connect())) return;
    store = await openPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 2 });
    await seed(store, 2_000);
    await db.admin.query(`ANALYZE "${schema}".approvals`);
  });

  afterAll(async () => {
    await store?.close();
    await db.end([schema]);
  });

  /**
   * EXPLAIN with sorts and bitmap scans priced out. At this test's size a sort of the few rows
   * matching can be the cheaper plan; a plan without one then proves the index gives the order.
   */
  const explainPricingOutSorts = async (sql: string): Promise<string> => {
    await db.admin.query('BEGIN');
    try {
      await db.admin.query('SET LOCAL enable_sort = off');
      await db.admin.query('SET LOCAL enable_bitmapscan = off');
      const explained = await db.admin.query(`EXPLAIN ${sql}`);
      return explained.rows.map((row) => String(row['QUERY PLAN'])).join('\n');
    } finally {
      await db.admin.query('ROLLBACK');
    }
  };

  it.each(QUERIES.map((query) => [query.riskLevel ?? (query.riskAtMost ? `at most ${query.riskAtMost}` : 'any risk'), query] as const))('reads the index in order, without a sort (%s)', async (_label, query) => {
    const plan = await explainPricingOutSorts(postgresListing(schema, query));
    expect(plan).toContain('approvals_pending_urgency');
    expect(plan).not.toMatch(/\bSort\b/);
    const page = await (store as Store).listApprovals(query);
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((approval) => approval.status === 'pending')).toBe(true);
  });

  it.each(AFTER.map((query) => [`${query.order}, ${query.riskLevel ?? 'any risk'}, after ${query.after?.riskLevel} ${query.after?.expiresAt ? 'with' : 'without'} a deadline`, query] as const))(
    'a page after a position reads each of its ranges from an index, without a sort (%s)',
    async (_label, query) => {
      const ranges = segmentSql(`"${schema}".approvals`, query, 'postgres');
      expect(ranges.length).toBeGreaterThan(0);
      for (const sql of ranges) {
        const plan = await explainPricingOutSorts(sql);
        expect(plan).toMatch(/Index (Only )?Scan (Backward )?using approvals_(pending_urgency|status_newest|newest) .*\n\s+Index Cond: /);
        expect(plan).not.toMatch(/\bSort\b/);
      }
    },
  );
});
