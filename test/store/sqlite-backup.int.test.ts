import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { PRINCIPALS, PROPOSALS } from '../server/support/app-harness.ts';
import { tollgate } from '../server/support/run-main.ts';
import { runCli } from '../server/support/spawn-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tollgate backup (SQLite, online)', () => {
  it('copies a live store while commits run: the copy verifies and holds every task acknowledged before the backup began', async () => {
    const path = join(dir, 'live.db');
    const copy = join(dir, 'live-backup.db');
    const store = await openSqliteStore({ path });
    const engine = createEngine({ store });
    const acknowledged: string[] = [];
    let stop = false;
    // Four agents proposing flat out, half of the proposals parked, some of those approved.
    const load = Array.from({ length: 4 }, async (_, worker) => {
      for (let i = 0; !stop; i += 1) {
        const proposal = i % 2 === 0 ? PROPOSALS.auto : PROPOSALS.human;
        const { task } = await engine.submit({ ...proposal, title: `w${worker}-${i}`, agentId: `agent-${worker}` });
        acknowledged.push(task.id);
        if (task.approvalId && i % 4 === 1) {
          await engine.decide(task.approvalId, { kind: 'approve' }, PRINCIPALS.alice);
        }
      }
    });
    while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 20));

    // Another process, beside the owner (which holds the store's lock), while commits go on.
    const before = [...acknowledged];
    const backup = await runCli(['backup', '--db', `sqlite:${path}`, '--to', copy]);
    const during = acknowledged.length;
    // Still committing after the backup: the copy is a snapshot, the store goes on.
    while (acknowledged.length < during + 50) await new Promise((resolve) => setTimeout(resolve, 20));
    stop = true;
    await Promise.all(load);
    await engine.close();
    await store.close();

    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const printed = /^backed up to (.+): (\d+) tasks, (\d+) audit entries, audit head (\d+):([0-9a-f]{64})\n$/.exec(backup.stdout);
    expect(printed, backup.stdout).not.toBeNull();
    expect(printed![1]).toBe(copy);
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);

    // Restore: the copy is a store of its own.
    const restored = await openSqliteStore({ path: copy });
    try {
      const verification = await restored.verifyAudit();
      expect(verification).toMatchObject({ ok: true, entries: Number(printed![3]) });
      expect(verification.head).toEqual({ seq: Number(printed![4]), hash: printed![5] });
      const missing = [];
      for (const id of before) if (!(await restored.getTask(id))) missing.push(id);
      expect(missing).toEqual([]);
      let tasks = 0;
      for (let cursor: string | undefined; ; ) {
        const page = await restored.listTasks({ limit: 1_000, ...(cursor ? { cursor } : {}) });
        tasks += page.items.length;
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(tasks).toBe(Number(printed![2]));
      expect(tasks).toBeGreaterThanOrEqual(before.length);
      // A snapshot: the tasks acknowledged after the backup ended are not in it.
      expect(tasks).toBeLessThan(acknowledged.length);
    } finally {
      await restored.close();
    }
  });

  it('refuses to replace a file unless --force, and a file with a write-ahead log beside it even then', async () => {
    const path = join(dir, 'small.db');
    const store = await openSqliteStore({ path });
    const engine = createEngine({ store });
    await engine.submit({ ...PROPOSALS.human, agentId: 'agent-1' });
    await engine.close();
    await store.close();
    const to = join(dir, 'small-backup.db');
    writeFileSync(to, 'precious');

    const refused = await tollgate('backup', '--db', `sqlite:${path}`, '--to', to);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/the file exists \(pass --force to replace it\)/);
    expect(readFileSync(to, 'utf8')).toBe('precious');

    const forced = await tollgate('backup', '--db', `sqlite:${path}`, '--to', to, '--force', '--json');
    expect(forced.code).toBe(0);
    const report = JSON.parse(forced.out);
    expect(report).toMatchObject({ path: to, tasks: 1, entries: 4, head: { seq: 4 } });
    const copied = new Database(to, { readonly: true });
    expect((copied.prepare('SELECT COUNT(*) AS n FROM approvals').get() as { n: number }).n).toBe(1);
    copied.close();

    writeFileSync(`${to}-wal`, '');
    const beside = await tollgate('backup', '--db', `sqlite:${path}`, '--to', to, '--force');
    expect(beside.code).toBe(2);
    expect(beside.err).toMatch(/small-backup\.db-wal exists beside it/);
    rmSync(`${to}-wal`);
  });

  it('says what to do for PostgreSQL, and refuses what is not a Tollgate store', async () => {
    const pg = await tollgate('backup', '--db', 'postgres://tollgate@127.0.0.1:5432/test?schema=x', '--to', join(dir, 'pg.db'));
    expect(pg.code).toBe(2);
    expect(pg.err).toMatch(/pg_dump --schema=SCHEMA/);
    const missing = await tollgate('backup', '--db', `sqlite:${join(dir, 'nothing.db')}`, '--to', join(dir, 'nothing-backup.db'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such database file/);
    const other = join(dir, 'other.db');
    new Database(other).exec('CREATE TABLE t (x)');
    const foreign = await tollgate('backup', '--db', other, '--to', join(dir, 'other-backup.db'));
    expect(foreign.code).toBe(2);
    expect(foreign.err).toMatch(/not a Tollgate store/);
    expect(existsSync(join(dir, 'other-backup.db'))).toBe(false);
    const itself = await tollgate('backup', '--db', other, '--to', other, '--force');
    expect(itself.err).toMatch(/that is the store itself/);
  });

  it("refuses the store's own files as the copy, even with --force, however they are named", async () => {
    const live = join(dir, 'own');
    mkdirSync(live);
    const path = join(live, 's.db');
    const store = await openSqliteStore({ path });
    const engine = createEngine({ store });
    try {
      await engine.submit({ ...PROPOSALS.human, agentId: 'agent-1' });
      symlinkSync(live, join(dir, 'own-link'));
      linkSync(`${path}-lock`, join(dir, 'hard-lock'));
      const lockBefore = readFileSync(`${path}-lock`);
      const walInode = statSync(`${path}-wal`).ino;
      const targets = [
        `${path}-lock`,
        `${path}-wal`,
        `${path}-shm`,
        `${path}-journal`,
        join(live, '..', 'own', 's.db-wal'),
        join(dir, 'own-link', 's.db-lock'),
        join(dir, 'own-link', 's.db'),
        join(dir, 'hard-lock'),
      ];
      for (const to of targets) {
        const refused = await tollgate('backup', '--db', `sqlite:${path}`, '--to', to, '--force');
        expect(refused.code, to).toBe(2);
        expect(refused.err, to).toMatch(/that is the store('s own s\.db-(lock|wal|shm|journal)| itself); pick another file/);
      }
      expect(readFileSync(`${path}-lock`)).toEqual(lockBefore);
      expect(statSync(`${path}-wal`).ino).toBe(walInode);
      expect(existsSync(`${path}-journal`)).toBe(false);
      expect(readdirSync(live).filter((name) => name.includes('partial'))).toEqual([]);
    } finally {
      await engine.close();
      await store.close();
    }
  });

  it('makes the copy owner-only (or as strict as the store), whatever the umask', async () => {
    const path = join(dir, 'private.db');
    const store = await openSqliteStore({ path });
    await store.close();
    const umask = process.umask(0o022);
    try {
      chmodSync(path, 0o600);
      const copy = join(dir, 'private-backup.db');
      expect((await tollgate('backup', '--db', `sqlite:${path}`, '--to', copy)).code).toBe(0);
      expect(statSync(copy).mode & 0o777).toBe(0o600);
      chmodSync(path, 0o644);
      expect((await tollgate('backup', '--db', `sqlite:${path}`, '--to', copy, '--force')).code).toBe(0);
      expect(statSync(copy).mode & 0o777).toBe(0o600);
      chmodSync(path, 0o400);
      const stricter = join(dir, 'private-stricter.db');
      expect((await tollgate('backup', '--db', `sqlite:${path}`, '--to', stricter)).code).toBe(0);
      expect(statSync(stricter).mode & 0o777).toBe(0o400);
    } finally {
      process.umask(umask);
      chmodSync(path, 0o600);
    }
  });

  it('refuses a directory as the copy and a planted partial file, leaving nothing behind', async () => {
    const path = join(dir, 'plain.db');
    const store = await openSqliteStore({ path });
    await store.close();
    const into = join(dir, 'a-directory');
    mkdirSync(into);
    const directory = await tollgate('backup', '--db', `sqlite:${path}`, '--to', into, '--force');
    expect(directory.code).toBe(2);
    expect(directory.err).toMatch(/that is a directory/);
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);

    // A symlink planted at the partial file's predictable name is not followed.
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const copy = join(dir, 'plain-backup.db');
    symlinkSync(victim, join(dir, `.plain-backup.db.partial-${process.pid}`));
    const planted = await tollgate('backup', '--db', `sqlite:${path}`, '--to', copy);
    expect(planted.code).toBe(2);
    expect(planted.err).toMatch(/cannot create/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(existsSync(copy)).toBe(false);
  });
});
