import { join } from 'node:path';
import { createMemoryStore } from '../src/store/memory.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/store.ts';
import type { BenchStore } from './options.ts';

/**
 * Openers of Tollgate's stores for the benchmarks: each call opens a fresh store; SQLite ones
 * on a new file in `dir` with the store's defaults (WAL, `synchronous=FULL` unless told otherwise).
 * @example await benchTollgate(tollgateStores(dir).sqlite, { tasks: 1000, concurrency: 64 })
 */
export function tollgateStores(dir: string, options: { synchronous?: 'FULL' | 'NORMAL' } = {}): Record<BenchStore, () => Promise<Store>> {
  let files = 0;
  return {
    memory: async () => createMemoryStore(),
    sqlite: async () => {
      files += 1;
      return openSqliteStore({ path: join(dir, `tollgate-${files}.db`), synchronous: options.synchronous ?? 'FULL' });
    },
  };
}
