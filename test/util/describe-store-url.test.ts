import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStoreUrl } from '../../src/cli/open-store.ts';
import { tollgate } from '../server/support/run-main.ts';
import { runCli } from '../server/support/spawn-server.ts';

describe('describeStoreUrl', () => {
  it('names an SQLite file by its absolute path', () => {
    expect(describeStoreUrl('./tollgate.db')).toBe(`sqlite:${resolve('tollgate.db')}`);
    expect(describeStoreUrl('sqlite:data/t.db')).toBe(`sqlite:${resolve('data/t.db')}`);
  });

  it('never shows a PostgreSQL password, and spells out the schema (public when the URL names none)', () => {
    expect(describeStoreUrl('postgres://tollgate:s3cret@db:5432/gate')).toBe('postgres://tollgate:***@db:5432/gate?schema=public');
    expect(describeStoreUrl('postgresql://db/gate?schema=t1&sslmode=require')).toBe('postgresql://db/gate?schema=t1&sslmode=require');
    expect(describeStoreUrl('postgres://u:p@[::1')).toBe('postgres://(not a valid URL)');
  });

  it('masks a password parameter too (security review)', () => {
    expect(describeStoreUrl('postgres://postgres@127.0.0.1:5432/test?schema=x&password=QsSecret1')).toBe('postgres://postgres@127.0.0.1:5432/test?schema=x&password=***');
    expect(describeStoreUrl('postgresql://u@db/gate?sslpassword=KeyPass77&sslmode=require')).toBe('postgresql://u@db/gate?sslpassword=***&sslmode=require&schema=public');
  });

  it('masks user:password@ in a URL of any other scheme, such as a mistyped one (security review)', () => {
    expect(describeStoreUrl('postgress://app:TypoSecret9@db/prod')).toBe('postgress://app:***@db/prod');
    expect(describeStoreUrl('mysql://root:p@ss/w0rd@db/x?password=Other1&a=b')).toBe('mysql://root:***@db/x?password=***&a=b');
    expect(describeStoreUrl('mysql://root@127.0.0.1/test')).toBe('mysql://root@127.0.0.1/test');
  });

  it('gives other stores as they are', () => {
    expect(describeStoreUrl('memory:')).toBe('memory:');
  });

  it('keeps a mistyped URL\'s password out of the errors of serve, backup and audit verify (security review)', async () => {
    const db = 'postgress://app:TypoSecret9@db/prod?password=Other123';
    for (const args of [['backup', '--db', db, '--to', 'never-written.db'], ['audit', 'verify', '--db', db]]) {
      const refused = await tollgate(...args);
      expect(refused.code, args[0]).toBe(2);
      expect(refused.err, args[0]).toContain('postgress://app:***@db/prod?password=***');
      expect(refused.err + refused.out, args[0]).not.toMatch(/TypoSecret9|Other123/);
    }
    const serve = await runCli(['serve', '--demo', '--db', db, '--port', '0']);
    expect(serve.code).toBe(2);
    expect(serve.stderr + serve.stdout).toContain('postgress://app:***@db/prod');
    expect(serve.stderr + serve.stdout).not.toMatch(/TypoSecret9|Other123/);
  });
});
