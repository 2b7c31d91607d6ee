import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ValidationError } from '../errors.ts';
import { SQLITE_MIGRATIONS } from './sqlite-schema.ts';

/** What a backup holds. */
export interface SqliteBackupReport {
  /** The copy, as an absolute path. */
  path: string;
  tasks: number;
  /** Audit entries (the journal is gapless: its head's seq). */
  entries: number;
  /** The last audit entry of the copy (absent when the journal is empty): record it, or compare it with `audit verify --db sqlite:COPY`. */
  head?: { seq: number; hash: string };
}

/** Pages per backup step: all of them, in one step (see below). */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies an SQLite store to `to` while it may be in use: SQLite's online backup API
 * (better-sqlite3's `db.backup()`), which reads through SQLite and so includes the commits
 * still in the write-ahead log — a copy of the `.db` file alone does not, and silently loses
 * them. The copy is one consistent snapshot: it is taken in a single backup step under one read
 * transaction (in steps of 100 pages, as by default, a commit by the server between two steps
 * restarts the backup, which under steady load may never end). In WAL mode that read holds up
 * no writer; it only keeps the checkpointer from truncating the log meanwhile.
 *
 * The store's owner lock (`FILE-lock`, sqlite-owner-lock.ts) is not taken and not needed: the
 * source is opened read-only, on a connection of its own, like `audit verify` beside a running
 * server; the lock is there to keep a second engine from recovering (re-running) the owner's
 * tasks, which a reader cannot do.
 *
 * The copy is written beside `to` under a temporary name and renamed into place when complete,
 * so `to` is never a half-written database. An existing `to` is refused unless `force`, and
 * even then when `to-wal` exists (a server may be running on it, and a stale log would be
 * replayed over the new file).
 * @throws ValidationError when `from` is not a Tollgate SQLite store of this version, or `to` is taken
 * @example const report = await backupSqliteStore('./tollgate.db', './backups/tollgate-2026-12-07.db');
 */
export async function backupSqliteStore(from: string, to: string, options: { force?: boolean } = {}): Promise<SqliteBackupReport> {
  const source = resolve(from);
  const target = resolve(to);
  if (source === target) throw new ValidationError(`--to ${to}: that is the store itself`, [{ path: '--to', message: 'the store itself' }]);
  if (!existsSync(dirname(target))) throw new ValidationError(`--to ${to}: no such directory ${dirname(target)}`, [{ path: '--to', message: 'no such directory' }]);
  if (existsSync(target) && !options.force) {
    throw new ValidationError(`--to ${to}: the file exists (pass --force to replace it)`, [{ path: '--to', message: 'the file exists' }]);
  }
  if (existsSync(`${target}-wal`)) {
    throw new ValidationError(`--to ${to}: ${basename(target)}-wal exists beside it: a server may be running on it; stop it (or pick another file)`, [
      { path: '--to', message: 'a write-ahead log exists beside it' },
    ]);
  }

  const db = openSource(source, from);
  const partial = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  try {
    rmSync(partial, { force: true });
    await db.backup(partial, { progress: () => ALL_PAGES });
  } catch (error) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-journal`, { force: true });
    throw error;
  } finally {
    db.close();
  }
  const report = describeCopy(partial, target);
  renameSync(partial, target);
  return report;
}

/** The store, read-only, checked to be a Tollgate store of this schema version. */
function openSource(path: string, given: string): Database.Database {
  if (!existsSync(path)) throw new ValidationError(`--db ${given}: no such database file`, [{ path: '--db', message: 'no such database file' }]);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new ValidationError(`--db ${given}: cannot open the database to read it: ${(error as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 10000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== SQLITE_MIGRATIONS.length) {
      throw new ValidationError(
        version === 0
          ? `--db ${given}: not a Tollgate store`
          : `--db ${given} has schema version ${version} and this Tollgate reads version ${SQLITE_MIGRATIONS.length}: back it up with the Tollgate that wrote it (or migrate it first)`,
      );
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Reads what the finished copy holds (before it is renamed into place). */
function describeCopy(partial: string, target: string): SqliteBackupReport {
  // Read-write (it reads only): a read-only connection to a WAL database could leave its -shm behind.
  const copy = new Database(partial, { fileMustExist: true });
  try {
    const tasks = (copy.prepare('SELECT COUNT(*) AS n FROM tasks').get() as { n: number }).n;
    const head = copy.prepare('SELECT seq, hash FROM journal_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
    return { path: target, tasks, entries: head?.seq ?? 0, ...(head ? { head: { seq: head.seq, hash: head.hash } } : {}) };
  } finally {
    copy.close();
  }
}
