import { openPostgresStore } from '../../src/store/postgres.ts';
import type { Store } from '../../src/store/store.ts';
import { describeStoreConformance } from './conformance.ts';
import { TEST_PG_URL, TestDatabase, testSchemaName } from './postgres-harness.ts';

// One fresh schema for this file; each test starts from it emptied (DELETE and a reset journal
// head: ~5 ms, where TRUNCATE takes ~100 ms and a new schema more). Dropped at the end.
const schema = testSchemaName('conformance');
const db = new TestDatabase();

async function open(): Promise<Store> {
  return openPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 4 });
}

describeStoreConformance({
  name: 'postgres',
  async beforeAll() {
    // Creates and migrates the schema once.
    if (await db.connect()) await (await open()).close();
  },
  async createStore() {
    await db.admin.query(
      `DELETE FROM "${schema}".tasks; DELETE FROM "${schema}".approvals; DELETE FROM "${schema}".approval_counts; DELETE FROM "${schema}".journal;
       DELETE FROM "${schema}".autonomy; DELETE FROM "${schema}".leases; UPDATE "${schema}".journal_head SET seq = 0, hash = repeat('0', 64)`,
    );
    return open();
  },
  async reopenStore(store) {
    await store.close();
    return open();
  },
  async afterAll() {
    await db.end([schema]);
  },
});
