import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { type RecordEdit, describeCorruptApproval } from './corrupt-approval-suite.ts';

const EDITS: Record<RecordEdit, string> = {
  truncate: 'substr(record, 1, 40)',
  forgeRequester: `json_set(record, '$.requestedBy', 'someone-else')`,
  brokenJson: `'{"id": 7'`,
};

let dir = '';
let path = '';

describeCorruptApproval({
  name: 'SQLite',
  async openStore() {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-corrupt-'));
    path = join(dir, 'tollgate.db');
    return openSqliteStore({ path });
  },
  async editRecord(approvalId, edit) {
    const db = new Database(path);
    try {
      db.prepare(`UPDATE approvals SET record = ${EDITS[edit]} WHERE id = ?`).run(approvalId);
    } finally {
      db.close();
    }
  },
  async afterEach() {
    rmSync(dir, { recursive: true, force: true });
  },
});
