import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StoreInUseError } from '../errors.ts';

/** What {@link takeOwnerLock} holds until `release()`. */
export interface OwnerLock {
  /** The lock file beside the database. */
  readonly path: string;
  release(): void;
}

/**
 * Makes this process the one owner of an embedded SQLite store, or throws `StoreInUseError`.
 *
 * Why: the SQLite store is one process's (leases are for stores shared by workers). A second
 * process on the same file — `npm start` run twice, a server started beside a running one —
 * would recover the first one's executing tasks as interrupted and call their executor again,
 * before it even found its port taken.
 *
 * How: a small SQLite database beside the store (`<path>-lock`), written once in
 * `locking_mode = EXCLUSIVE`, so its connection keeps the file's exclusive lock until it closes.
 * The operating system drops the lock when the process ends, SIGKILL included: a crashed owner
 * never leaves a stale lock behind.
 * @example const lock = takeOwnerLock('./tollgate.db'); try { … } finally { lock.release(); }
 */
export function takeOwnerLock(databasePath: string): OwnerLock {
  const path = `${databasePath}-lock`;
  // SQLite's locks are the process's: a second connection here would be refused as if another
  // process held the file. Told apart, so the error says which.
  const key = resolve(path);
  if (heldHere.has(key)) throw new StoreInUseError(databasePath, 'this process');
  const lock = new Database(path);
  try {
    lock.pragma('busy_timeout = 0');
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('CREATE TABLE IF NOT EXISTS owner (pid INTEGER NOT NULL, since TEXT NOT NULL)');
    lock.transaction(() => {
      lock.exec('DELETE FROM owner');
      lock.prepare('INSERT INTO owner (pid, since) VALUES (?, ?)').run(process.pid, new Date().toISOString());
    }).exclusive();
  } catch (error) {
    lock.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') throw new StoreInUseError(databasePath);
    throw error;
  }
  heldHere.add(key);
  return {
    path,
    release: () => {
      heldHere.delete(key);
      lock.close();
    },
  };
}

/** The lock files this process holds (resolved paths). */
const heldHere = new Set<string>();
