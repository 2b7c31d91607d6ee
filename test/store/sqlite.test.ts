import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { describeStoreConformance } from './conformance.ts';

/** The database file behind each open handle, and every temp dir made, to remove at the end. */
const files = new WeakMap<Store, string>();
const dirs: string[] = [];

// Every writer mode passes the same suite: `auto` (the default) writes quiet moments on the
// store's thread, `thread` sends every write to the writer thread, `inline` never does.
for (const writer of ['auto', 'thread', 'inline'] as const) {
describeStoreConformance({
  name: `sqlite (writer: ${writer})`,
  async createStore() {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-store-'));
    dirs.push(dir);
    return open(join(dir, 'tollgate.db'), writer);
  },
  async reopenStore(store) {
    const path = files.get(store);
    if (path === undefined) throw new Error('not a store this file opened');
    await store.close();
    return open(path, writer);
  },
  async afterAll() {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  },
});
}

async function open(path: string, writer: 'auto' | 'thread' | 'inline'): Promise<Store> {
  const store = await openSqliteStore({ path, synchronous: 'NORMAL', writer });
  files.set(store, path);
  return store;
}
