import { existsSync } from 'node:fs';
import { ValidationError } from '../errors.ts';
import { createMemoryStore } from '../store/memory.ts';
import { openPostgresStore } from '../store/postgres.ts';
import { splitPostgresUrl } from '../store/postgres-url.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/store.ts';

/**
 * Opens the store a `--db` URL names: `sqlite:PATH` (or a bare path), `memory:`, or a
 * PostgreSQL URL (`postgres://…` / `postgresql://…`; the tables go in the schema named by a
 * `schema` query parameter, default `public`; the other parameters are pg's). `mustExist`: a
 * tool that only reads refuses a store that is not there, instead of creating an empty one.
 * @example await openStore('sqlite:./tollgate.db')
 * @example await openStore('postgres://tollgate@db:5432/tollgate?schema=tollgate')
 */
export async function openStore(url: string, options: { mustExist?: boolean } = {}): Promise<Store> {
  const mustExist = options.mustExist ?? false;
  if (url === 'memory:' || url === 'memory') return createMemoryStore();
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgresUrl(url, mustExist);
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  // Another scheme (mysql://, http://…) is not a file name to create.
  if (!path || /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new ValidationError(`--db ${url}: expected sqlite:PATH, memory: or postgres://…`);
  if (mustExist && !existsSync(path)) throw new ValidationError(`--db ${url}: no such database file`, [{ path: '--db', message: 'no such database file' }]);
  return openSqliteStore({ path });
}

async function openPostgresUrl(url: string, mustExist: boolean): Promise<Store> {
  let parts: ReturnType<typeof splitPostgresUrl>;
  try {
    parts = splitPostgresUrl(url);
  } catch {
    throw new ValidationError('--db: not a valid PostgreSQL URL');
  }
  return openPostgresStore({ connectionString: parts.connectionString, mustExist, ...(parts.schema === null ? {} : { schema: parts.schema }) });
}
