import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { GateError, StoreMisconfiguredError, ValidationError, hasCode } from '../errors.ts';
import { storeUnavailableReason } from '../store/store-outage.ts';
import { createMemoryStore } from '../store/memory.ts';
import { openPostgresStore } from '../store/postgres.ts';
import { postgresTlsMistake } from '../store/postgres-tls-errors.ts';
import { splitPostgresUrl } from '../store/postgres-url.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/store.ts';

/** How `openStore` opens a store. */
export interface OpenStoreOptions {
  /**
   * For a tool that only reads: a store that is not there is an error, not created empty; an
   * SQLite one is opened beside its running server, without its owner lock, and refuses writes
   * (PostgreSQL is shared anyway).
   */
  readOnly?: boolean;
  /**
   * The store's own log (a lost LISTEN connection, a failed idle connection, a migration), and
   * where opening says it created a new SQLite file: at warn, since a mistyped path makes a
   * new, empty store silently otherwise.
   */
  logger?: Logger;
  /** A new SQLite file is what the caller wants (the demo's): said at info, not warn. */
  newFileExpected?: boolean;
}

/**
 * Opens the store a `--db` URL names: `sqlite:PATH` (or a bare path), `memory:`, or a
 * PostgreSQL URL (`postgres://…` / `postgresql://…`; the tables go in the schema named by a
 * `schema` query parameter, default `public`; the other parameters are pg's). A store that is
 * not there or cannot be opened as given (no such directory, database or role, no permission, a
 * schema newer than this Tollgate, TLS the URL asks for that cannot work) is a `store_misconfigured` error naming the file or database
 * (never a password); a database that does not answer is `store_unavailable`.
 * @example await openStore('sqlite:./tollgate.db', { logger })
 * @example await openStore('postgres://tollgate@db:5432/tollgate?schema=tollgate')
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const readOnly = options.readOnly ?? false;
  if (url === 'memory:' || url === 'memory') return createMemoryStore();
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgresUrl(url, readOnly, options.logger);
  const path = sqlitePathOf(url);
  if (path === null) throw new ValidationError(`--db ${describeStoreUrl(url)}: expected sqlite:PATH, memory: or postgres://…`);
  if (readOnly && !existsSync(path)) throw new ValidationError(`--db ${url}: no such database file`, [{ path: '--db', message: 'no such database file' }]);
  const file = resolve(path);
  const fresh = !readOnly && isNewFile(file);
  let store: Store;
  try {
    store = await openSqliteStore({ path: file, readOnly, ...(options.logger ? { logger: options.logger } : {}) });
  } catch (error) {
    throw sqliteOpenError(url, file, error);
  }
  if (fresh) {
    const level = options.newFileExpected ? 'info' : 'warn';
    options.logger?.[level]({ path: file }, `created a new database at ${file}${options.newFileExpected ? '' : ' (no file was there: if you meant an existing store, check --db)'}`);
  }
  return store;
}

/** Whether opening would create the file, or finds an empty one (SQLite makes a database of it). */
function isNewFile(file: string): boolean {
  const existing = statSync(file, { throwIfNoEntry: false });
  return !existing || (existing.isFile() && existing.size === 0);
}

/** An SQLite store's opening error with the `--db` URL in front (the store's own errors name the file; some, the schema's, do not). */
function sqliteOpenError(url: string, file: string, error: unknown): unknown {
  if (!(error instanceof StoreMisconfiguredError)) return error;
  return new StoreMisconfiguredError(error.message.includes(file) ? `--db ${url}: ${error.message}` : `--db ${url} (${file}): ${error.message}`);
}

/**
 * SQLSTATEs and errnos of a PostgreSQL URL that names what is not there, or what this role may
 * not use: no such database (3D000), role or password (28000, 28P01), schema name or
 * privilege (3F000, 42501), host (ENOTFOUND).
 */
const PG_MISCONFIGURED = new Set(['3D000', '28000', '28P01', '3F000', '42501', 'ENOTFOUND']);

async function openPostgresUrl(url: string, mustExist: boolean, logger: Logger | undefined): Promise<Store> {
  let parts: ReturnType<typeof splitPostgresUrl>;
  try {
    parts = splitPostgresUrl(url);
  } catch {
    throw new ValidationError('--db: not a valid PostgreSQL URL');
  }
  try {
    return await openPostgresStore({
      connectionString: parts.connectionString,
      mustExist,
      ...(parts.schema === null ? {} : { schema: parts.schema }),
      ...(logger ? { logger } : {}),
    });
  } catch (error) {
    const where = `--db ${describeStoreUrl(url)}`;
    // Like a missing SQLite file: the --db names no store (exit 2), not a failure of the tool.
    if (hasCode(error, 'not_found')) {
      throw new ValidationError(`${where}: no Tollgate schema ${parts.schema ?? 'public'} in this database`, [{ path: '--db', message: 'no such schema' }]);
    }
    if (error instanceof StoreMisconfiguredError) throw new StoreMisconfiguredError(`${where}: ${error.message}`);
    if (error instanceof ValidationError) throw new ValidationError(`${where}: ${error.message}`, error.issues);
    if (error instanceof GateError) throw error;
    const code: unknown = (error as { code?: unknown })?.code;
    // pg's own sentences ('database "x" does not exist', 'role "x" does not exist') name what is wrong, never a password.
    if (typeof code === 'string' && PG_MISCONFIGURED.has(code)) throw new StoreMisconfiguredError(`${where}: ${(error as Error).message}`);
    const tlsMistake = postgresTlsMistake(error);
    if (tlsMistake !== undefined) throw new StoreMisconfiguredError(`${where}: TLS: ${tlsMistake}`);
    const unavailable = storeUnavailableReason(error);
    if (unavailable !== undefined) throw new GateError('store_unavailable', `${where}: the database does not answer (${unavailable}): is it running, and is this its address?`);
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
 * The `--db` URL as a report, a log or an error names it: an SQLite file by its absolute path; a
 * PostgreSQL URL without its password (in the user part or a `password`/`sslpassword` parameter)
 * and with the schema it uses spelled out (`public` when the URL names none, so a server that
 * shares `public` by accident says so); any other URL (a mistyped scheme) with the same
 * passwords masked; anything else as given.
 * @example describeStoreUrl('./tollgate.db') // 'sqlite:/home/me/tollgate.db'
 * @example describeStoreUrl('postgres://u:secret@db/tollgate') // 'postgres://u:***@db/tollgate?schema=public'
 * @example describeStoreUrl('postgress://u:secret@db/tollgate') // 'postgress://u:***@db/tollgate'
 */
export function describeStoreUrl(url: string): string {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    try {
      const parsed = new URL(url);
      if (parsed.password) parsed.password = '***';
      for (const name of SECRET_PARAMETERS) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
      if (!parsed.searchParams.has('schema')) parsed.searchParams.set('schema', 'public');
      return parsed.toString();
    } catch {
      return 'postgres://(not a valid URL)';
    }
  }
  const path = sqlitePathOf(url);
  return path === null ? maskUrlPasswords(url) : `sqlite:${resolve(path)}`;
}

/** libpq parameters whose value is a secret (`sslkey` and `sslcert` name files, which are not). */
const SECRET_PARAMETERS = ['password', 'sslpassword'] as const;

/**
 * A URL-like text, whatever its scheme, with its `user:password@` and password parameters
 * masked. Textual, not parsed: a mistyped URL need not parse. Up to the last `@`, so a
 * password holding a raw `@` or `/` is masked whole (at worst, more than the password is).
 */
function maskUrlPasswords(text: string): string {
  return text
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)\S*@/i, '$1***@')
    .replace(/([?&](?:ssl)?password=)[^&#\s]*/gi, '$1***');
}
