import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ValidationError, hasCode } from '../errors.ts';
import { createMemoryStore } from '../store/memory.ts';
import { openPostgresStore } from '../store/postgres.ts';
import { splitPostgresUrl } from '../store/postgres-url.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/store.ts';

/**
 * Opens the store a `--db` URL names: `sqlite:PATH` (or a bare path), `memory:`, or a
 * PostgreSQL URL (`postgres://…` / `postgresql://…`; the tables go in the schema named by a
 * `schema` query parameter, default `public`; the other parameters are pg's). `readOnly`, for a
 * tool that only reads: a store that is not there is an error, not created empty; an SQLite one
 * is opened beside its running server, without its owner lock, and refuses writes (PostgreSQL is
 * shared anyway).
 * @example await openStore('sqlite:./tollgate.db')
 * @example await openStore('postgres://tollgate@db:5432/tollgate?schema=tollgate')
 */
export async function openStore(url: string, options: { readOnly?: boolean } = {}): Promise<Store> {
  const readOnly = options.readOnly ?? false;
  if (url === 'memory:' || url === 'memory') return createMemoryStore();
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgresUrl(url, readOnly);
  const path = sqlitePathOf(url);
  if (path === null) throw new ValidationError(`--db ${url}: expected sqlite:PATH, memory: or postgres://…`);
  if (readOnly && !existsSync(path)) throw new ValidationError(`--db ${url}: no such database file`, [{ path: '--db', message: 'no such database file' }]);
  return openSqliteStore({ path, readOnly });
}

async function openPostgresUrl(url: string, mustExist: boolean): Promise<Store> {
  let parts: ReturnType<typeof splitPostgresUrl>;
  try {
    parts = splitPostgresUrl(url);
  } catch {
    throw new ValidationError('--db: not a valid PostgreSQL URL');
  }
  try {
    return await openPostgresStore({ connectionString: parts.connectionString, mustExist, ...(parts.schema === null ? {} : { schema: parts.schema }) });
  } catch (error) {
    // Like a missing SQLite file: the --db names no store (exit 2), not a failure of the tool.
    if (hasCode(error, 'not_found')) {
      const message = `--db ${describeStoreUrl(url)}: no Tollgate schema ${parts.schema ?? 'public'} in this database`;
      throw new ValidationError(message, [{ path: '--db', message: 'no such schema' }]);
    }
    throw error;
  }
}

/** The file a `--db` URL names (`sqlite:PATH` or a bare path), or null for any other kind of store. */
function sqlitePathOf(url: string): string | null {
  if (url === 'memory:' || url === 'memory') return null;
  // Another scheme (postgres://, mysql://, http://…) is not a file name to create.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return null;
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  return path || null;
}

/**
 * The `--db` URL as a report or a log names it: an SQLite file by its absolute path; a
 * PostgreSQL URL without its password and with the schema it uses spelled out (`public` when
 * the URL names none, so a server that shares `public` by accident says so); anything else as given.
 * @example describeStoreUrl('./tollgate.db') // 'sqlite:/home/me/tollgate.db'
 * @example describeStoreUrl('postgres://u:secret@db/tollgate') // 'postgres://u:***@db/tollgate?schema=public'
 */
export function describeStoreUrl(url: string): string {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    try {
      const parsed = new URL(url);
      if (parsed.password) parsed.password = '***';
      if (!parsed.searchParams.has('schema')) parsed.searchParams.set('schema', 'public');
      return parsed.toString();
    } catch {
      return 'postgres://(not a valid URL)';
    }
  }
  const path = sqlitePathOf(url);
  return path === null ? url : `sqlite:${resolve(path)}`;
}
