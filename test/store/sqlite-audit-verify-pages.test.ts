import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { eventOf, insertOf, taskRecord } from './fixtures.ts';

// audit verify on SQLite walks the chain in pages and gives the event loop back between them:
// better-sqlite3 reads synchronously, and one walk of a long chain held the whole server.

const dir = mkdtempSync(join(tmpdir(), 'tollgate-verify-pages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 1,800 entries: several pages. */
async function longChain(path: string) {
  const store = await openSqliteStore({ path });
  for (let n = 1; n <= 600; n += 1) {
    const task = taskRecord(n);
    await store.commit(insertOf(task, { events: [eventOf(task, 'task.proposed'), eventOf(task, 'task.evaluated'), eventOf(task, 'task.parked')] }));
  }
  return store;
}

describe('SQLite audit verify of a long chain', () => {
  it('lets the event loop run while it walks, and still verifies every entry', async () => {
    const store = await longChain(join(dir, 'long.db'));
    let turns = 0;
    let counting = true;
    const tick = () => {
      turns += 1;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const verdict = await store.verifyAudit();
    counting = false;
    expect(verdict).toMatchObject({ ok: true, entries: 1_800, head: { seq: 1_800 } });
    // Other work ran between the pages (one walk at once gave it no turn at all).
    expect(turns).toBeGreaterThanOrEqual(3);
    await store.close();
  });

  it('finds a change on a later page, and a gap between pages', async () => {
    const path = join(dir, 'edited.db');
    const store = await longChain(path);
    const db = new Database(path);
    db.prepare("UPDATE journal SET actor = 'mallory' WHERE seq = 1234").run();
    expect(await store.verifyAudit()).toEqual({ ok: false, entries: 1_234, brokenAt: 1_234, reason: expect.stringMatching(/content does not match its hash/) });
    db.prepare("UPDATE journal SET actor = (SELECT actor FROM journal WHERE seq = 1233) WHERE seq = 1234").run();
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
    // Exactly at a page's edge: the entry after the first page's last one is gone.
    db.prepare('DELETE FROM journal WHERE seq = 501').run();
    db.close();
    expect(await store.verifyAudit()).toEqual({ ok: false, entries: 501, brokenAt: 502, reason: expect.stringMatching(/entry 501 is missing/) });
    await store.close();
  });
});
