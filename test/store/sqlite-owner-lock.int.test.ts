import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreInUseError } from '../../src/errors.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { PROPOSALS, tokenOf } from '../server/support/app-harness.ts';
import { ServerFiles, ServerProcess, runCli } from '../server/support/spawn-server.ts';

// An embedded SQLite store has one owner. A second process on the same file would recover the
// first one's executing tasks as interrupted and call their executor again.

const dir = mkdtempSync(join(tmpdir(), 'tollgate-owner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the owner of a SQLite store', () => {
  it('is one store at a time, even in one process; closing hands the file on', async () => {
    const path = join(dir, 'one.db');
    const first = await openSqliteStore({ path });
    await expect(openSqliteStore({ path })).rejects.toBeInstanceOf(StoreInUseError);
    // Held here, not by another process: the message says which (it said "another process").
    await expect(openSqliteStore({ path, writer: 'inline' })).rejects.toMatchObject({ code: 'store_in_use', message: expect.stringContaining('already open in this process') });
    // The refused opens left the owner's store working.
    expect(await first.lastEventId()).toBe(0);
    await first.close();
    const second = await openSqliteStore({ path });
    await second.close();
  });

  it('refuses what is not a database, or is a directory, as store_misconfigured naming the file (the library said only what SQLite said)', async () => {
    const notADatabase = join(dir, 'notes.db');
    writeFileSync(notADatabase, 'these are my notes, not a database, but long enough to have a header of sorts'.repeat(20));
    await expect(openSqliteStore({ path: notADatabase })).rejects.toMatchObject({ code: 'store_misconfigured', message: expect.stringContaining(`${notADatabase} is not an SQLite database`) });
    // Refused before anything was written: the file is as it was, and it can be opened again by its owner.
    expect(readFileSync(notADatabase, 'utf8')).toMatch(/^these are my notes/);
    const folder = join(dir, 'folder.db');
    mkdirSync(folder);
    await expect(openSqliteStore({ path: folder })).rejects.toMatchObject({ code: 'store_misconfigured' });
  });

  it('a second server on the same file refuses to start, before it recovers anything; a killed owner leaves no lock', async () => {
    const files = new ServerFiles();
    try {
      const server = await ServerProcess.start(files);
      const agent = tokenOf('agent');
      expect((await server.call('POST', '/api/v1/tasks', { token: agent, body: PROPOSALS.human })).status).toBe(201);

      const second = await runCli(['serve', '--port', '0', '--db', `sqlite:${files.db}`, '--tokens', files.tokens]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('in use by another Tollgate process');
      expect(second.stdout).not.toContain('listening');
      // Nor may a tool that writes (a migration) run beside it.
      expect((await runCli(['migrate', '--db', `sqlite:${files.db}`])).stderr).toContain('in use by another Tollgate process');

      await server.stop('SIGKILL');
      const restarted = await ServerProcess.start(files);
      expect((await restarted.call('GET', '/api/v1/approvals?status=pending', { token: agent })).body.total).toBe(1);
      await restarted.stop('SIGTERM');
    } finally {
      files.remove();
    }
  });
});
