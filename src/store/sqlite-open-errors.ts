import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { GateError, StoreMisconfiguredError } from '../errors.ts';

/** Errno and SQLite codes of a file this user cannot open, create or write. */
const NOT_PERMITTED = /^(EACCES|EPERM|EROFS|SQLITE_CANTOPEN|SQLITE_READONLY|SQLITE_PERM|SQLITE_AUTH)/;

/**
 * Refuses a store path whose directory is not there, before anything is opened or created: SQLite
 * would say only "the directory does not exist" in a `TypeError` with no code, and a mistyped
 * path deserves the directory it named.
 * @throws StoreMisconfiguredError
 * @example checkSqliteDirectory('./data/tollgate.db')
 */
export function checkSqliteDirectory(path: string): void {
  const directory = dirname(path);
  const stat = statSync(directory, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    throw new StoreMisconfiguredError(`the directory ${directory} of ${path} ${stat ? 'is not a directory' : 'does not exist'} (a mistyped path? nothing was created)`);
  }
}

/**
 * Why an SQLite store could not be opened, as a `store_misconfigured` error naming the file (and
 * its lock file) when it is the file's fault: no permission, not a database, a directory. Other
 * errors (Tollgate's own, an I/O error) are returned as they are.
 * @example throw sqliteOpenError('./tollgate.db', error)
 */
export function sqliteOpenError(path: string, error: unknown): unknown {
  if (error instanceof GateError) return error;
  const code: unknown = (error as { code?: unknown })?.code;
  const message = String((error as Error)?.message ?? error);
  if (typeof code === 'string' && NOT_PERMITTED.test(code)) {
    return new StoreMisconfiguredError(
      `cannot open or create ${path} or its lock file ${path}-lock (${message}): this user must be able to write both, and the directory ${dirname(path)}, where SQLite also keeps the -wal and -shm files`,
    );
  }
  if (code === 'SQLITE_NOTADB') return new StoreMisconfiguredError(`${path} is not an SQLite database (${message})`);
  if (code === 'EISDIR') return new StoreMisconfiguredError(`${path} is a directory, not a database file`);
  return error;
}
