import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { exerciseApprovalTotals, seedApprovals, totalsAgree } from './approval-totals.ts';

// Migration 4: the queue's total comes from counts kept by triggers, not a COUNT(*) per page.
describe('SQLite approval counts (migration 4)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-counts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every filter total exact through inserts, status changes (upserts) and deletes', async () => {
    const path = join(dir, 'counts.db');
    const store = await openSqliteStore({ path });
    const approval = await exerciseApprovalTotals(store);
    await store.close();

    const db = new Database(path);
    db.prepare('DELETE FROM approvals WHERE id = ?').run(approval.id);
    db.close();
    const reopened = await openSqliteStore({ path });
    await totalsAgree(reopened);
    await reopened.close();
  });

  it('counts the approvals a database already had when it is migrated', async () => {
    const path = join(dir, 'old.db');
    const store = await openSqliteStore({ path });
    await seedApprovals(store);
    await store.close();
    // Back to the schema before migration 4 (and what came after it), as a database of that release.
    const db = new Database(path);
    db.exec('DROP TRIGGER approval_counts_insert; DROP TRIGGER approval_counts_update; DROP TRIGGER approval_counts_delete; DROP TABLE approval_counts;');
    db.exec('DROP INDEX approvals_pending_urgency; DROP TABLE journal_head;');
    db.pragma('user_version = 3');
    db.close();

    const migrated = await openSqliteStore({ path });
    await totalsAgree(migrated);
    expect((await migrated.listApprovals({ status: 'pending', offset: 0, limit: 1 })).total).toBe(3);
    await migrated.close();
  });
});
