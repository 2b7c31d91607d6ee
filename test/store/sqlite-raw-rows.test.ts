import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import {
  APPROVAL_ROW_COLUMNS,
  APPROVAL_TASK_COLUMNS,
  type ApprovalTaskRow,
  TASK_ROW_COLUMNS,
  type TaskRow,
  approvalWithTaskFromRow,
  approvalWithTaskFromValues,
  taskFromRow,
  taskFromValues,
} from '../../src/store/sqlite-rows.ts';
import { approvalOf, insertOf, taskRecord } from './fixtures.ts';

// The hot reads take rows as arrays (raw) and read them by position: the positions must be the
// columns' as the schema has them, or a task would be read with its fields swapped.

const dir = mkdtempSync(join(tmpdir(), 'tollgate-raw-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rows read as arrays (the SQLite store\'s hot reads)', () => {
  it('name the columns in the order of the migrated schema', async () => {
    const path = join(dir, 'order.db');
    await (await openSqliteStore({ path, synchronous: 'NORMAL', writer: 'inline' })).close();
    const db = new Database(path, { readonly: true });
    const names = (table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((column) => column.name);
    expect(names('tasks')).toEqual([...TASK_ROW_COLUMNS]);
    expect(names('approvals')).toEqual([...APPROVAL_ROW_COLUMNS]);
    db.close();
  });

  it('read as the same records as the row objects, with and without the joined task', async () => {
    const path = join(dir, 'same.db');
    const store = await openSqliteStore({ path, synchronous: 'NORMAL', writer: 'inline' });
    const task = taskRecord(1, { idempotencyKey: 'k', department: 'ops' });
    await store.commit(insertOf(task, { approval: approvalOf(task) }));
    const db = new Database(path, { readonly: true });
    const row = db.prepare('SELECT * FROM tasks').get() as TaskRow;
    const values = db.prepare(`SELECT ${TASK_ROW_COLUMNS.join(', ')} FROM tasks`).raw(true).get() as unknown[];
    expect(taskFromValues(values)).toStrictEqual(taskFromRow(row));
    expect(taskFromValues(values)).toStrictEqual(task);
    const joined = `SELECT ${APPROVAL_TASK_COLUMNS} FROM approvals a LEFT JOIN tasks t ON t.id = a.task_id`;
    const both = approvalWithTaskFromValues(db.prepare(joined).raw(true).get() as unknown[]);
    expect(both).toStrictEqual(approvalWithTaskFromRow(db.prepare(joined).get() as ApprovalTaskRow));
    expect(both).toStrictEqual({ approval: approvalOf(task), task });
    // The task row missing: the approval alone, as the row objects read it.
    const orphan = (db.prepare(`${joined.replace('t.id = a.task_id', "t.id = 'none'")}`).raw(true).get() as unknown[]) ?? [];
    expect(approvalWithTaskFromValues(orphan)).toStrictEqual({ approval: approvalOf(task), task: null });
    expect(await store.getTask(task.id)).toStrictEqual(task);
    expect(await store.getApprovalWithTask(approvalOf(task).id)).toStrictEqual({ approval: approvalOf(task), task });
    db.close();
    await store.close();
  });
});
