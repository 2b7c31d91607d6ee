import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { PROPOSALS } from '../server/support/app-harness.ts';
import { tollgate } from '../server/support/run-main.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-lost-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an SQLite store whose -wal is gone', () => {
  it('is refused by migrate, audit verify and the store serve opens, changing nothing (it was migrated into a new, empty store, exit 0)', async () => {
    // A server killed before its first checkpoint: every commit is still in live.db-wal. Its
    // .db alone is what an operator has after deleting the -wal (or copying only the .db).
    const live = join(dir, 'live.db');
    const store = await openSqliteStore({ path: live });
    const engine = createEngine({ store });
    const lost = join(dir, 'lost.db');
    try {
      for (let i = 0; i < 5; i += 1) await engine.submit({ ...PROPOSALS.human, title: `parked ${i}`, agentId: 'agent-1' });
      copyFileSync(live, lost);
    } finally {
      await engine.close();
      await store.close();
    }
    const before = readFileSync(lost);

    for (const args of [
      ['migrate', '--db', `sqlite:${lost}`],
      ['audit', 'verify', '--db', `sqlite:${lost}`],
    ]) {
      const refused = await tollgate(...args);
      expect(refused.code, args[0]).toBe(2);
      expect(refused.err, args[0]).toMatch(/no lost\.db-wal beside it: a Tollgate store whose lost\.db-wal was deleted or lost .*Nothing was changed: put lost\.db-wal back, or restore a backup; to start an empty store instead, delete/);
      expect(refused.err, args[0]).toMatch(/\(store_misconfigured\)/);
    }
    await expect(openSqliteStore({ path: lost })).rejects.toMatchObject({ code: 'store_misconfigured' });
    expect(readFileSync(lost)).toEqual(before);
    expect(existsSync(`${lost}-wal`)).toBe(false);

    // A store closed cleanly has its schema in the file: its -wal is not needed, and it opens.
    const reopened = await tollgate('migrate', '--db', `sqlite:${live}`);
    expect(reopened.code).toBe(0);
    expect(existsSync(`${live}-wal`)).toBe(false);
  });
});
