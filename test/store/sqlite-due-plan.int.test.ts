import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { SQLITE_DUE_APPROVALS } from '../../src/store/sqlite-schema.ts';
import type { Store } from '../../src/store/store.ts';
import { approvalOf, insertOf, isoAt, taskRecord } from './fixtures.ts';

// The sweeper reads pending approvals past their deadline through the partial index
// approvals_pending_due, in order: no sort of every due approval, and decided ones are not in it.

async function seed(store: Store, count: number): Promise<void> {
  for (let n = 1; n <= count; n += 1) {
    const task = taskRecord(n);
    const status = n % 4 === 0 ? 'pending' : 'approved';
    await store.commit(insertOf(task, { approval: approvalOf(task, { status, expiresAt: isoAt(n % 37) }) }));
  }
}

const planOf = (db: Database.Database) =>
  db
    .prepare(`EXPLAIN QUERY PLAN ${SQLITE_DUE_APPROVALS}`)
    .all(isoAt(30), 100)
    .map((row) => (row as { detail: string }).detail)
    .join(' | ');

describe('the sweeper on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-due-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads due approvals in deadline order from the pending-only index, without a sort', async () => {
    const path = join(dir, 'due.db');
    const store = await openSqliteStore({ path });
    await seed(store, 400);
    const due = await store.listDueApprovals(isoAt(30), 1_000);
    await store.close();
    expect(due.length).toBeGreaterThan(0);
    expect(due.every((approval) => approval.status === 'pending' && approval.expiresAt !== null && approval.expiresAt <= isoAt(30))).toBe(true);
    const order = due.map((approval) => `${approval.expiresAt} ${approval.id}`);
    expect(order).toEqual([...order].sort());
    const db = new Database(path, { readonly: true });
    const plan = planOf(db);
    expect(plan).toMatch(/^SEARCH approvals USING INDEX approvals_pending_due \(status=\? AND expires_at/);
    expect(plan).not.toContain('TEMP B-TREE');
    // Only the pending quarter is indexed.
    const indexed = db.prepare('SELECT COUNT(*) AS n FROM approvals INDEXED BY approvals_pending_due WHERE status = \'pending\' AND expires_at IS NOT NULL').get() as { n: number };
    expect(indexed.n).toBe(100);
    db.close();
  });

  it('a database of the release before loses the old index and gets the new one when opened', async () => {
    const path = join(dir, 'old.db');
    const store = await openSqliteStore({ path });
    await seed(store, 40);
    await store.close();
    const old = new Database(path);
    old.exec(`DROP INDEX approvals_pending_due; CREATE INDEX approvals_due ON approvals(status, expires_at) WHERE expires_at IS NOT NULL`);
    old.pragma('user_version = 6');
    old.close();

    const migrated = await openSqliteStore({ path });
    expect((await migrated.listDueApprovals(isoAt(40), 100)).length).toBe(10);
    await migrated.close();
    const db = new Database(path, { readonly: true });
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'approvals_%due'").all() as { name: string }[]).map((row) => row.name);
    expect(names).toEqual(['approvals_pending_due']);
    expect(planOf(db)).toContain('approvals_pending_due');
    db.close();
  });
});
