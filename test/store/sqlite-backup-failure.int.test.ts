import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { tollgate } from '../server/support/run-main.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-backup-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tollgate backup onto a full disk', () => {
  it('fails in one line naming the target (exit 1), leaving no copy or temporary file (it printed a stack)', async () => {
    const path = join(dir, 'store.db');
    await (await openSqliteStore({ path })).close();
    const out = join(dir, 'out');
    const to = join(out, 'copy.db');
    mkdirSync(out);
    // What SQLite's backup does when the target's disk fills: some pages written, then SQLITE_FULL.
    const backup = vi.spyOn(Database.prototype, 'backup').mockImplementation(async (destination) => {
      writeFileSync(destination, 'half a database');
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    });
    try {
      const failed = await tollgate('backup', '--db', `sqlite:${path}`, '--to', to);
      expect(failed.code).toBe(1);
      expect(failed.err).toBe(`tollgate: the backup to ${to} failed: database or disk is full (SQLITE_FULL); no copy or temporary file was left (store_unavailable)\n`);
      expect(existsSync(to)).toBe(false);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      backup.mockRestore();
    }
  });
});
