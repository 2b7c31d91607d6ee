import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite-schema.ts';
import { runCli } from '../server/support/spawn-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tollgate migrate', () => {
  it('creates and migrates an SQLite store, and says its version; again is a no-op', async () => {
    const db = join(dir, 'fresh.db');
    const first = await runCli(['migrate', '--db', `sqlite:${db}`, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ store: 'sqlite', schemaVersion: SQLITE_MIGRATIONS.length });
    const version = new Database(db).pragma('user_version', { simple: true });
    expect(version).toBe(SQLITE_MIGRATIONS.length);
    const again = await runCli(['migrate', '--db', `sqlite:${db}`]);
    expect([again.code, again.stdout.trim()]).toEqual([0, `sqlite store at schema version ${SQLITE_MIGRATIONS.length}`]);
  });

  it('refuses a database migrated by a newer Tollgate, changing nothing', async () => {
    const db = join(dir, 'newer.db');
    const handle = new Database(db);
    handle.pragma(`user_version = ${SQLITE_MIGRATIONS.length + 5}`);
    handle.close();
    const result = await runCli(['migrate', '--db', `sqlite:${db}`]);
    // A store this Tollgate cannot use as it is: bad usage (2), one line naming the file, no stack.
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `tollgate: --db sqlite:${db} (${db}): database schema version ${SQLITE_MIGRATIONS.length + 5} is newer than this Tollgate (${SQLITE_MIGRATIONS.length}): migrations are one-way; run the Tollgate that migrated it, or restore a backup taken before (store_misconfigured)\n`,
    );
    expect(new Database(db).pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length + 5);
  });

  it('says what it migrated, from which version to which, and when it made a new file', async () => {
    const db = join(dir, 'old.db');
    const fresh = await runCli(['migrate', '--db', `sqlite:${db}`]);
    expect(fresh.stderr).toBe(`tollgate: created a new database at ${db} (no file was there: if you meant an existing store, check --db)\n`);
    const old = new Database(db);
    old.exec('DROP INDEX approvals_pending_urgency; DROP TABLE journal_head; DROP INDEX approvals_pending_due');
    old.pragma('user_version = 4');
    old.close();
    const migrated = await runCli(['migrate', '--db', `sqlite:${db}`]);
    expect([migrated.code, migrated.stderr, migrated.stdout]).toEqual([
      0,
      `tollgate: migrated the sqlite store from schema 4 to ${SQLITE_MIGRATIONS.length}\n`,
      `sqlite store at schema version ${SQLITE_MIGRATIONS.length}\n`,
    ]);
    const again = await runCli(['migrate', '--db', `sqlite:${db}`]);
    expect(again.stderr).toBe('');
  });
});
