import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';

describe('store options from an embedder', () => {
  let dir: string;
  let cwd: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-options-'));
    cwd = process.cwd();
    process.chdir(dir);
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['a bare path instead of { path }', 'tollgate.db', /SQLite store options/],
    ['no path', {}, /path/],
    ['an empty path', { path: '' }, /path: give the database file/],
    ['an unknown synchronous', { path: 'x.db', synchronous: 'OFF' }, /synchronous/],
    ['a misspelt key', { path: 'x.db', readonly: true }, /readonly/],
  ])('openSqliteStore refuses %s with a validation error, and creates nothing', async (_name, options, message) => {
    await expect(openSqliteStore(options as never)).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringMatching(message) });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('openPostgresStore refuses options without a connection string before connecting', async () => {
    await expect(openPostgresStore('postgres://127.0.0.1/test' as never)).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(openPostgresStore({ connectionString: 'postgres://127.0.0.1/test', poolSize: 0 })).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('poolSize'),
    });
  });

  it('still opens with good options', async () => {
    const store = await openSqliteStore({ path: join(dir, 'ok.db'), synchronous: 'NORMAL', writer: 'inline' });
    await store.close();
    expect(existsSync(join(dir, 'ok.db'))).toBe(true);
  });
});
