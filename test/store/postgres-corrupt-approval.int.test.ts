import { openPostgresStore } from '../../src/store/postgres.ts';
import { type RecordEdit, describeCorruptApproval } from './corrupt-approval-suite.ts';
import { TEST_PG_URL, TestDatabase, testSchemaName } from './postgres-harness.ts';

const EDITS: Record<RecordEdit, string> = {
  truncate: 'left(record, 40)',
  forgeRequester: `jsonb_set(record::jsonb, '{requestedBy}', '"someone-else"')::text`,
  brokenJson: `'{"id": 7'`,
};

const db = new TestDatabase();
const schemas: string[] = [];

describeCorruptApproval({
  name: 'PostgreSQL',
  async beforeAll() {
    await db.connect();
  },
  async openStore() {
    db.assertReachable();
    // A schema per test: each starts empty.
    schemas.push(testSchemaName('corrupt'));
    return openPostgresStore({ connectionString: TEST_PG_URL, schema: schemas.at(-1), poolSize: 2 });
  },
  async editRecord(approvalId, edit) {
    const changed = await db.admin.query(`UPDATE "${schemas.at(-1)}".approvals SET record = ${EDITS[edit]} WHERE id = $1`, [approvalId]);
    if (changed.rowCount !== 1) throw new Error(`editing approval ${approvalId}: ${changed.rowCount} rows changed`);
  },
  async afterAll() {
    await db.end(schemas);
  },
});
