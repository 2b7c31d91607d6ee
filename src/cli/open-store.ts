import { ValidationError } from '../errors.ts';
import { createMemoryStore } from '../store/memory.ts';
import { openPostgresStore } from '../store/postgres.ts';
import { splitPostgresUrl } from '../store/postgres-url.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/store.ts';

/**
 * Opens the store a `--db` URL names: `sqlite:PATH` (or a bare path), `memory:`, or a
 * PostgreSQL URL (`postgres://…` / `postgresql://…`; the tables go in the schema named by a
 * `schema` query parameter, default `public`; the other parameters are pg's).
 * @example await openStore('sqlite:./tollgate.db')
 * @example await openStore('postgres://tollgate@db:5432/tollgate?schema=tollgate')
 */
export async function openStore(url: string): Promise<Store> {
  if (url === 'memory:' || url === 'memory') return createMemoryStore();
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgresUrl(url);
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (!path) throw new ValidationError(`--db ${url}: expected sqlite:PATH, memory: or postgres://…`);
  return openSqliteStore({ path });
}

async function openPostgresUrl(url: string): Promise<Store> {
  let parts: ReturnType<typeof splitPostgresUrl>;
  try {
    parts = splitPostgresUrl(url);
  } catch {
    throw new ValidationError('--db: not a valid PostgreSQL URL');
  }
  if (parts.schema === null) return openPostgresStore({ connectionString: parts.connectionString });
  return openPostgresStore({ connectionString: parts.connectionString, schema: parts.schema });
}
