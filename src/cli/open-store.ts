import { ValidationError } from '../errors.ts';
import { createMemoryStore } from '../store/memory.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/store.ts';

/**
 * Opens the store a `--db` URL names: `sqlite:PATH` (or a bare path), or `memory:`.
 * @example await openStore('sqlite:./tollgate.db')
 */
export async function openStore(url: string): Promise<Store> {
  if (url === 'memory:' || url === 'memory') return createMemoryStore();
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    throw new ValidationError('PostgreSQL is not supported yet by this build; use sqlite:PATH');
  }
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (!path) throw new ValidationError(`--db ${url}: expected sqlite:PATH or memory:`);
  return openSqliteStore({ path });
}
