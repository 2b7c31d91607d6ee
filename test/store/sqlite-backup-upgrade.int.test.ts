import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite-schema.ts';
import { PROPOSALS } from '../server/support/app-harness.ts';
import { tollgate } from '../server/support/run-main.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-backup-upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store as an older Tollgate left it: the first `version` migrations, one journal entry. */
function olderStore(path: string, version: number): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  for (const migration of SQLITE_MIGRATIONS.slice(0, version)) db.exec(migration);
  db.prepare('INSERT INTO journal (seq, at, actor, type, task_id, approval_id, data, prev_hash, hash) VALUES (1, ?, ?, ?, NULL, NULL, ?, ?, ?)').run(
    '2026-01-01T00:00:00.000Z',
    'system',
    'task.proposed',
    '{}',
    '0'.repeat(64),
    'a'.repeat(64),
  );
  db.pragma(`user_version = ${version}`);
  db.close();
}

describe('tollgate backup around an upgrade (SQLite)', () => {
  it('backs up a store of an older schema before the new Tollgate migrates it ("Upgrading": take one first)', async () => {
    const path = join(dir, 'old.db');
    const copy = join(dir, 'old-before-upgrade.db');
    olderStore(path, 5);
    const backup = await tollgate('backup', '--db', `sqlite:${path}`, '--to', copy);
    expect(backup.err).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.out).toMatch(`0 tasks, 1 audit entries, audit head 1:${'a'.repeat(64)}`);
    const copied = new Database(copy, { readonly: true });
    expect(copied.pragma('user_version', { simple: true })).toBe(5);
    copied.close();
    // The store itself is untouched (still the old schema), and migrates afterwards as usual.
    const store = new Database(path, { readonly: true });
    expect(store.pragma('user_version', { simple: true })).toBe(5);
    store.close();
    const migrate = await tollgate('migrate', '--db', `sqlite:${path}`);
    expect(migrate.code).toBe(0);
    expect(migrate.out).toMatch(`schema version ${SQLITE_MIGRATIONS.length}`);
  });

  it('still refuses a store of a newer schema, naming both versions', async () => {
    const newer = join(dir, 'newer.db');
    olderStore(newer, SQLITE_MIGRATIONS.length);
    const db = new Database(newer);
    db.pragma(`user_version = ${SQLITE_MIGRATIONS.length + 1}`);
    db.close();
    const refused = await tollgate('backup', '--db', `sqlite:${newer}`, '--to', join(dir, 'newer-backup.db'));
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/newer than this Tollgate's/);
    expect(existsSync(join(dir, 'newer-backup.db'))).toBe(false);
  });

  it("refuses the owner lock's rollback journal as the copy: the server deletes that file when it stops", async () => {
    const path = join(dir, 'running.db');
    const store = await openSqliteStore({ path });
    const engine = createEngine({ store });
    try {
      await engine.submit({ ...PROPOSALS.human, agentId: 'agent-1' });
      const journal = `${path}-lock-journal`;
      const before = existsSync(journal) ? readFileSync(journal) : undefined;
      const refused = await tollgate('backup', '--db', `sqlite:${path}`, '--to', journal, '--force');
      expect(refused.code).toBe(2);
      expect(refused.err).toMatch(/that is the store's own running\.db-lock-journal; pick another file/);
      expect(existsSync(journal) ? readFileSync(journal) : undefined).toEqual(before);
    } finally {
      await engine.close();
      await store.close();
    }
  });
});
