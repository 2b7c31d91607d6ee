import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { describeStoreConformance } from './conformance.ts';

/** The database file behind each open handle, and every temp dir made, to remove at the end. */
const files = new WeakMap<Store, string>();
const dirs: string[] = [];

async function open(path: string): Promise<Store> {
  const store = await openSqliteStore({ path, synchronous: 'NORMAL' });
  files.set(store, path);
  return store;
}

describeStoreConformance({
  name: 'sqlite',
  async createStore() {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-store-'));
    dirs.push(dir);
    return open(join(dir, 'tollgate.db'));
  },
  async reopenStore(store) {
    const path = files.get(store);
    if (path === undefined) throw new Error('not a store this file opened');
    await store.close();
    return open(path);
  },
  async afterAll() {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  },
});
