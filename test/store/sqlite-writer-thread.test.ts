import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StaleRevisionError } from '../../src/errors.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { terminateWriterThread } from '../../src/store/sqlite-writer-client.ts';
import { eventOf, insertOf, isoAt, nextRevision, taskRecord, updateOf } from './fixtures.ts';

// The writer thread under load (the conformance suite covers each write's semantics in every
// writer mode): commits pipelined to the thread in small batches and joined there into
// transactions must keep the journal one gapless, verifiable chain, answer each commit with its
// own outcome, and never keep a process alive once nothing is outstanding.

const dir = mkdtempSync(join(tmpdir(), 'tollgate-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ROOT = resolve(import.meta.dirname, '../..');

describe('the SQLite writer thread', () => {
  it('answers 600 concurrent commits each with its own outcome, refusals included, in one gapless verified chain', async () => {
    const store = await openSqliteStore({ path: join(dir, 'load.db'), synchronous: 'NORMAL', writer: 'thread' });
    const tasks = Array.from({ length: 300 }, (_, n) => taskRecord(n));
    await Promise.all(tasks.map((task) => store.commit(insertOf(task, { events: [eventOf(task, 'task.proposed')] }))));
    // Two updates race per task from the same revision: exactly one of each pair wins.
    const outcomes = await Promise.allSettled(
      tasks.flatMap((task) => [0, 1].map(() => store.commit(updateOf(task, nextRevision(task), { events: [eventOf(task, 'task.parked')] })))),
    );
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(won).toHaveLength(300);
    expect(refused.every((outcome) => (outcome as PromiseRejectedResult).reason instanceof StaleRevisionError)).toBe(true);
    const ids = won.flatMap((outcome) => (outcome as PromiseFulfilledResult<{ eventIds: number[] }>).value.eventIds).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => 301 + i));
    expect(await store.lastEventId()).toBe(600);
    expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 600 });
    for (const task of tasks.slice(0, 20)) expect((await store.getTask(task.id))?.revision).toBe(2);
    await store.close();
  });

  it('serves several stores of one process, each on its own file', async () => {
    const [a, b] = await Promise.all(['a.db', 'b.db'].map((file) => openSqliteStore({ path: join(dir, file), synchronous: 'NORMAL', writer: 'thread' })));
    if (!a || !b) throw new Error('stores did not open');
    await Promise.all(Array.from({ length: 50 }, (_, n) => (n % 2 ? a : b).commit(insertOf(taskRecord(n), { events: [eventOf(taskRecord(n), 'task.proposed')] }))));
    expect((await a.listTasks({ limit: 100 })).items).toHaveLength(25);
    expect((await b.listTasks({ limit: 100 })).items).toHaveLength(25);
    await a.close();
    // Closing one store leaves the other's writer working.
    await b.commit(insertOf(taskRecord(99)));
    expect(await b.getTask(taskRecord(99).id)).not.toBeNull();
    await b.close();
  });

  it('goes on writing on the store\'s own thread when the writer thread dies, and a store opened later gets a new one', async () => {
    const store = await openSqliteStore({ path: join(dir, 'dies.db'), synchronous: 'NORMAL', writer: 'thread' });
    const before = Array.from({ length: 40 }, (_, n) => taskRecord(n));
    await Promise.all(before.map((task) => store.commit(insertOf(task))));
    await terminateWriterThread();
    const after = Array.from({ length: 40 }, (_, n) => taskRecord(100 + n));
    await Promise.all(after.map((task) => store.commit(insertOf(task))));
    await store.setAutonomy({ scope: 'agent', subject: 'agent-1', level: 'locked', previous: 'semi', reason: 'test', setBy: 'admin', setAt: isoAt(5) } as never);
    expect(await store.lastEventId()).toBe(81);
    expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 81 });
    await store.close();
    const next = await openSqliteStore({ path: join(dir, 'after.db'), synchronous: 'NORMAL', writer: 'thread' });
    await next.commit(insertOf(taskRecord(1)));
    expect(await next.lastEventId()).toBe(1);
    await next.close();
  });

  it('fails to open with a store_misconfigured error naming the directory when the file cannot be opened, and changes nothing', async () => {
    const path = join(dir, 'missing-folder', 'x.db');
    await expect(openSqliteStore({ path, writer: 'thread' })).rejects.toMatchObject({
      code: 'store_misconfigured',
      message: `the directory ${join(dir, 'missing-folder')} of ${path} does not exist (a mistyped path? nothing was created)`,
    });
    expect(existsSync(join(dir, 'missing-folder'))).toBe(false);
  });

  it('lets a process that never closes its store exit once its commits are acknowledged, with every one of them written', () => {
    const path = join(dir, 'exit.db');
    const script = `
      import { openSqliteStore } from ${JSON.stringify(join(ROOT, 'src/store/sqlite.ts'))};
      const store = await openSqliteStore({ path: ${JSON.stringify(path)}, writer: 'thread' });
      const at = new Date().toISOString();
      await Promise.all(Array.from({ length: 200 }, (_, n) => store.commit({ expectedRevision: null, events: [],
        task: { id: 'exit-' + n, state: 'parked', actionType: 'code:read', title: 't', agentId: 'a', department: null, riskLevel: null,
          approvalId: null, parentTaskId: null, idempotencyKey: null, revision: 1, envelope: '{}', history: [], quarantineReason: null, createdAt: at, updatedAt: at } })));
      process.stdout.write('acknowledged');`;
    const file = join(dir, 'exit.ts');
    writeFileSync(file, script);
    const child = spawnSync(process.execPath, [join(ROOT, 'bin/run-ts.mjs'), file], { encoding: 'utf8', timeout: 30_000 });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout).toBe('acknowledged');
    const check = spawnSync(process.execPath, ['-e', `const db = new (require('better-sqlite3'))(${JSON.stringify(path)}); process.stdout.write(String(db.prepare('SELECT COUNT(*) AS n FROM tasks').get().n));`], { cwd: ROOT, encoding: 'utf8' });
    expect(check.stdout).toBe('200');
  });
});
