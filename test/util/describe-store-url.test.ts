import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStoreUrl } from '../../src/cli/open-store.ts';

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

  it('gives other stores as they are', () => {
    expect(describeStoreUrl('memory:')).toBe('memory:');
  });
});
