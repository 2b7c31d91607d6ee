import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { auditHash } from '../../src/store/audit-chain.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { eventOf, insertOf, taskRecord } from './fixtures.ts';

// Migration 6: the journal's head kept apart from the chain, so audit verify notices a tail
// that was deleted or replaced — which the links alone cannot show.

const dir = mkdtempSync(join(tmpdir(), 'tollgate-audit-head-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite audit verify against the journal head', () => {
  it('catches a deleted last entry and a forged one chained correctly onto the rest', async () => {
    const path = join(dir, 'tail.db');
    const store = await openSqliteStore({ path });
    const task = taskRecord(1);
    await store.commit(insertOf(task, { events: [eventOf(task, 'task.proposed'), eventOf(task, 'task.evaluated'), eventOf(task, 'task.parked')] }));
    await store.setAutonomy({ scope: 'agent', subject: 'agent-1', level: 'supervised', previous: 'semi', reason: 'test', setBy: 'alice', setAt: task.createdAt });
    expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 4 });
    const last = (await store.readAudit({ afterSeq: 3 }))[0];
    if (!last) throw new Error('no fourth entry');

    const db = new Database(path);
    db.prepare('DELETE FROM journal WHERE seq = 4').run();
    expect(await store.verifyAudit()).toEqual({ ok: false, entries: 3, brokenAt: 4, reason: expect.stringMatching(/tail was deleted/) });
    const { hash: _hash, prevHash, ...body } = last;
    const forged = { ...body, actor: 'mallory' };
    db.prepare('INSERT INTO journal (seq, at, actor, type, task_id, approval_id, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      forged.seq, forged.at, forged.actor, forged.action, forged.taskId, forged.approvalId, JSON.stringify(forged.data), prevHash, auditHash(prevHash, forged),
    );
    db.close();
    expect(await store.verifyAudit()).toEqual({ ok: false, entries: 4, brokenAt: 4, reason: expect.stringMatching(/tail was replaced/) });
    await store.close();
  });

  it('a chain rebuilt in the database, head and all, verifies alone but not against an anchor recorded before', async () => {
    const path = join(dir, 'rebuilt.db');
    const store = await openSqliteStore({ path });
    const task = taskRecord(3);
    await store.commit(insertOf(task, { events: [eventOf(task, 'task.proposed'), eventOf(task, 'task.evaluated'), eventOf(task, 'task.parked')] }));
    const { head } = await store.verifyAudit();
    if (!head) throw new Error('no head');
    // Someone with write access edits entry 1 and recomputes every hash, and the head, after it.
    const db = new Database(path);
    let prevHash = '0'.repeat(64);
    for (const { hash: _hash, prevHash: _prev, ...body } of await store.readAudit({})) {
      const edited = body.seq === 1 ? { ...body, actor: 'mallory' } : body;
      const hash = auditHash(prevHash, edited);
      db.prepare('UPDATE journal SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(edited.actor, prevHash, hash, edited.seq);
      prevHash = hash;
    }
    db.prepare('UPDATE journal_head SET hash = ?').run(prevHash);
    db.close();
    expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 3 });
    expect(await store.verifyAudit([head])).toEqual({ ok: false, entries: 3, brokenAt: 3, reason: expect.stringMatching(/not the one anchored for seq 3/) });
    await store.close();
  });

  it('a database of the release before gets its head from its last entry when opened', async () => {
    const path = join(dir, 'old.db');
    const store = await openSqliteStore({ path });
    const task = taskRecord(2);
    await store.commit(insertOf(task));
    await store.close();
    const old = new Database(path);
    old.exec('DROP TABLE journal_head');
    old.pragma('user_version = 5');
    old.close();
    const migrated = await openSqliteStore({ path });
    expect(await migrated.verifyAudit()).toMatchObject({ ok: true, entries: 1 });
    await migrated.close();
  });
});
