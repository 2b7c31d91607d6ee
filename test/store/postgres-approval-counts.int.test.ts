import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { exerciseApprovalTotals, seedApprovals, totalsAgree } from './approval-totals.ts';
import { TEST_PG_URL, TestDatabase, testSchemaName } from './postgres-harness.ts';

// Migration 4: the queue's total comes from counts kept by triggers, not a COUNT(*) per page.
const fresh = testSchemaName('counts');
const old = testSchemaName('counts_old');
const db = new TestDatabase();

const open = (schema: string) => openPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 2 });

beforeAll(async () => {
  await db.connect();
});
beforeEach(() => db.assertReachable());
afterAll(async () => {
  await db.end([fresh, old]);
});

describe('PostgreSQL approval counts (migration 4)', () => {
  it('keeps every filter total exact through inserts, status changes (upserts) and deletes, whatever the session search_path', async () => {
    const store = await open(fresh);
    try {
      const approval = await exerciseApprovalTotals(store);
      // A row deleted by hand, from a session whose search_path is not the store's schema.
      await db.admin.query('SET search_path TO public');
      await db.admin.query(`DELETE FROM "${fresh}".approvals WHERE id = $1`, [approval.id]);
      await totalsAgree(store);
    } finally {
      await store.close();
    }
  });

  it('counts the approvals a schema already had when it is migrated', async () => {
    const store = await open(old);
    await seedApprovals(store);
    await store.close();
    // Back to the schema before migration 4, as a database of the previous release.
    await db.admin.query(
      `DROP TABLE "${old}".approval_counts; DROP FUNCTION "${old}".approval_counts_track() CASCADE;
       DELETE FROM "${old}".tollgate_migrations WHERE version = 4`,
    );
    const migrated = await open(old);
    try {
      await totalsAgree(migrated);
      expect((await migrated.listApprovals({ status: 'pending', offset: 0, limit: 1 })).total).toBe(3);
    } finally {
      await migrated.close();
    }
  });
});
