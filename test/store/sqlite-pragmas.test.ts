import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_PAGE_SIZE, WAL_AUTOCHECKPOINT_PAGES, configureSqliteConnection } from '../../src/store/sqlite-pragmas.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-pragmas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('configureSqliteConnection', () => {
  it.each([
    ['FULL', 2],
    ['NORMAL', 1],
  ] as const)('gives a connection WAL, synchronous=%s, the checkpoint size, a busy timeout, foreign keys and temporary storage in memory', (synchronous, level) => {
    const db = configureSqliteConnection(new Database(join(dir, `${synchronous}.db`)), synchronous);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(level);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_AUTOCHECKPOINT_PAGES);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(10_000);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      // 2 = MEMORY: statement journals stay off the disk (sqlite-pragmas.ts says why).
      expect(db.pragma('temp_store', { simple: true })).toBe(2);
    } finally {
      db.close();
    }
  });

  it('makes a new file with SQLITE_PAGE_SIZE pages, and leaves an existing file its own (which a Tollgate store then opens as it is)', async () => {
    const fresh = configureSqliteConnection(new Database(join(dir, 'fresh.db')), 'FULL');
    try {
      fresh.exec('CREATE TABLE t (v)');
      expect(fresh.pragma('page_size', { simple: true })).toBe(SQLITE_PAGE_SIZE);
    } finally {
      fresh.close();
    }
    // A store made before the page size was set: 4 KiB pages, already in WAL mode.
    const path = join(dir, 'older.db');
    const older = new Database(path);
    older.pragma('page_size = 4096');
    older.pragma('journal_mode = WAL');
    older.exec('CREATE TABLE t (v)');
    older.close();
    const again = configureSqliteConnection(new Database(path), 'FULL');
    try {
      expect(again.pragma('page_size', { simple: true })).toBe(4096);
      again.exec('DROP TABLE t');
    } finally {
      again.close();
    }
    const store = await openSqliteStore({ path });
    try {
      expect((await store.listTasks({ limit: 1 })).items).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('checkpoints the WAL only once it holds WAL_AUTOCHECKPOINT_PAGES pages, not at SQLite default of 1,000', () => {
    const db = configureSqliteConnection(new Database(join(dir, 'grow.db')), 'NORMAL');
    try {
      db.exec('CREATE TABLE t (v BLOB)');
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      const page = Buffer.alloc(SQLITE_PAGE_SIZE - 200, 1);
      // About one page per row: 2,000 rows pass SQLite's default threshold but not ours.
      for (let i = 0; i < 2000; i++) insert.run(page);
      // At 1,000 the WAL would have been checkpointed and started over: it would hold fewer than ~1,000 frames.
      const { log } = (db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0] ?? { log: 0 };
      expect(log).toBeGreaterThan(1500);
      expect(log).toBeLessThan(WAL_AUTOCHECKPOINT_PAGES);
    } finally {
      db.close();
    }
  });
});
