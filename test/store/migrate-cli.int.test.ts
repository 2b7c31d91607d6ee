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
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/newer than this Tollgate/);
  });
});
