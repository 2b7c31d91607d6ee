import { chmodSync, closeSync, existsSync, openSync, realpathSync, renameSync, rmSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { GateError, ValidationError } from '../errors.ts';
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
 * so `to` is never a half-written database; nothing of it is left behind when the backup fails.
 * The copy is owner read-write only (0600), or as strict as the store if that is stricter. An
 * existing `to` is refused unless `force`, and even then when `to-wal` exists (a server may be
 * running on it, and a stale log would be replayed over the new file); a directory, the store
 * itself and its own files (`-wal`, `-shm`, `-lock`, `-journal`, `-lock-journal`) are always refused.
 * A store of an older schema is copied as it is (the backup to take before upgrading).
 * @throws ValidationError when `from` is not a Tollgate SQLite store of this or an older version, or `to` is taken
 * @example const report = await backupSqliteStore('./tollgate.db', './backups/tollgate-2026-12-07.db');
 */
export async function backupSqliteStore(from: string, to: string, options: { force?: boolean } = {}): Promise<SqliteBackupReport> {
  const source = resolve(from);
  const target = resolve(to);
  if (source === target) throw new ValidationError(`--to ${to}: that is the store itself`, [{ path: '--to', message: 'the store itself' }]);
  if (!existsSync(dirname(target))) throw new ValidationError(`--to ${to}: no such directory ${dirname(target)}`, [{ path: '--to', message: 'no such directory' }]);
  if (existsSync(source)) refuseTheStoresOwnFiles(source, target, to);
  const existing = statOrUndefined(target);
  if (existing?.isDirectory()) {
    throw new ValidationError(`--to ${to}: that is a directory; name the copy's file`, [{ path: '--to', message: 'a directory' }]);
  }
  if (existing && !options.force) {
    throw new ValidationError(`--to ${to}: the file exists (pass --force to replace it)`, [{ path: '--to', message: 'the file exists' }]);
  }
  if (existsSync(`${target}-wal`)) {
    throw new ValidationError(`--to ${to}: ${basename(target)}-wal exists beside it: a server may be running on it; stop it (or pick another file)`, [
      { path: '--to', message: 'a write-ahead log exists beside it' },
    ]);
  }

  const db = openSource(source, from);
  // The copy holds every approval and audit entry: never more readable than the store, at most
  // owner read-write whatever the umask. SQLite gives the copy's -journal the copy's mode.
  const mode = statSync(source).mode & COPY_MODE;
  const partial = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  let created = false;
  try {
    try {
      // Exclusive create: a file or symlink planted at this predictable name is refused, not followed.
      closeSync(openSync(partial, 'wx', COPY_MODE));
      created = true;
    } catch (error) {
      throw new ValidationError(`--to ${to}: cannot create ${partial}: ${(error as Error).message}`, [{ path: '--to', message: 'cannot create the copy' }]);
    }
    chmodSync(partial, COPY_MODE);
    await db.backup(partial, { progress: () => ALL_PAGES });
    db.close();
    const report = describeCopy(partial, target);
    chmodSync(partial, mode);
    renameSync(partial, target);
    return report;
  } catch (error) {
    if (db.open) db.close();
    // Only what this run created: when the exclusive create failed, the name was someone else's.
    if (created) {
      rmSync(partial, { force: true });
      rmSync(`${partial}-journal`, { force: true });
    }
    throw backupFailure(error, to);
  }
}

/**
 * A backup that failed for want of room or an I/O error (SQLITE_FULL, ENOSPC, an unwritable
 * target), as one line naming the target and saying that nothing was left behind, not a stack
 * (code `store_unavailable`: the command failed, exit 1). Tollgate's own refusals pass as they are.
 * @example throw backupFailure(error, './backups/tollgate.db');
 */
function backupFailure(error: unknown, to: string): unknown {
  if (error instanceof GateError) return error;
  const code = (error as { code?: unknown })?.code;
  const reason = typeof code === 'string' ? code : 'error';
  return new GateError('store_unavailable', `the backup to ${to} failed: ${(error as Error)?.message ?? String(error)} (${reason}); no copy or temporary file was left`, { reason });
}

/** Owner read-write at most (the copy is also made with it, before the source's mode is applied). */
const COPY_MODE = 0o600;

/**
 * Files of a live SQLite store beside its database: a copy over any of them breaks the store (a
 * replaced -lock lets a second server in; a replaced -wal loses commits), or is lost with it: the
 * owner lock's own rollback journal (`-lock-journal`, kept while the server runs) is deleted
 * when the server stops, a copy renamed over it with it.
 */
const STORE_FILE_SUFFIXES = ['', '-wal', '-shm', '-lock', '-journal', '-lock-journal'] as const;

/**
 * Refuses a target that is the store or one of its files, however it is named: by path (real
 * paths, so `./dir/../s.db-wal` and a symlinked directory are caught) and, where the target
 * exists, by device and inode (a hard link or a symlink to one of them).
 * @throws ValidationError naming the file
 * @example refuseTheStoresOwnFiles('/data/s.db', '/data/s.db-lock', './s.db-lock'); // throws
 */
function refuseTheStoresOwnFiles(source: string, target: string, given: string): void {
  const targetPath = join(realpathSync(dirname(target)), basename(target));
  const targetStat = statOrUndefined(target);
  const isTarget = (path: string): boolean => {
    if (path === target || path === targetPath) return true;
    const stat = targetStat && statOrUndefined(path);
    return stat !== undefined && targetStat !== undefined && stat.dev === targetStat.dev && stat.ino === targetStat.ino;
  };
  for (const base of new Set([source, realpathSync(source)])) {
    for (const suffix of STORE_FILE_SUFFIXES) {
      if (!isTarget(`${base}${suffix}`)) continue;
      const what = suffix === '' ? 'that is the store itself' : `that is the store's own ${basename(source)}${suffix}`;
      throw new ValidationError(`--to ${given}: ${what}; pick another file`, [{ path: '--to', message: 'a file of the store' }]);
    }
  }
}

/** The file's stat (following symlinks), or undefined when there is none. */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
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
    // An older schema is copied as it is: that is the backup "Upgrading" asks for before a new
    // Tollgate migrates the store (the copy is pages; nothing of this version's schema is needed).
    if (version === 0) throw new ValidationError(`--db ${given}: not a Tollgate store`);
    if (version > SQLITE_MIGRATIONS.length) {
      throw new ValidationError(
        `--db ${given} has schema version ${version}, newer than this Tollgate's ${SQLITE_MIGRATIONS.length}: back it up with the Tollgate that migrated it`,
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
    // journal_head came with schema 6; in an older copy the journal's last entry is its head.
    const hasHead = copy.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal_head'").get() !== undefined;
    const head = copy.prepare(hasHead ? 'SELECT seq, hash FROM journal_head WHERE id = 1' : 'SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as
      | { seq: number; hash: string }
      | undefined;
    return { path: target, tasks, entries: head?.seq ?? 0, ...(head ? { head: { seq: head.seq, hash: head.hash } } : {}) };
  } finally {
    copy.close();
  }
}
