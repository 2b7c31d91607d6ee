import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { WAL_AUTOCHECKPOINT_PAGES, configureSqliteConnection } from '../../src/store/sqlite-pragmas.ts';

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

  it('checkpoints the WAL only once it holds WAL_AUTOCHECKPOINT_PAGES pages, not at SQLite default of 1,000', () => {
    const db = configureSqliteConnection(new Database(join(dir, 'grow.db')), 'NORMAL');
    try {
      db.exec('CREATE TABLE t (v BLOB)');
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      const page = Buffer.alloc(4000, 1);
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
