import type Database from 'better-sqlite3';

/** How durable a commit is: `FULL` survives power loss, `NORMAL` a process crash only. */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

/**
 * The WAL size (pages) at which a commit checkpoints it. The commit that does pays for it:
 * at SQLite's default of 1,000 that was every ~125th commit at 2–4 ms — the whole p99 of a
 * resume at one task in flight (2.2–2.5 ms). A task rewrites the same few pages (its row, the
 * indexes, the journal's tail), so a checkpoint of 4,000 pages copies not much more than one
 * of 1,000: the spikes come 4× less often at about the same size (p99 1.45–1.55 ms, p999
 * unchanged); at 10,000 the p999 doubled. The WAL file grows to ~16 MB.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 4000;

/**
 * Gives a connection the store's settings: WAL and its checkpoint size, the chosen durability,
 * a busy timeout, foreign keys, temporary storage in memory. The last is for the statement
 * journal: inside a group-commit transaction each statement keeps the original of every page it
 * changes in a sub-journal (to undo that statement alone), which SQLite spilled to a temporary
 * file — two `pwrite`s per page (strace: 45,000 of them in 4,000 parks and resumes, as many as the
 * WAL's own writes). Kept in memory, the same resumes took 6–12 % less CPU (five pairs of runs side
 * by side). Tollgate's reads are served by indexes, so no query builds a large temporary table.
 * Every connection of the store — the reading one and the writer thread's — gets them
 * here, so they cannot disagree.
 * @example configureSqliteConnection(new Database(path), 'FULL');
 */
export function configureSqliteConnection(db: Database.Database, synchronous: SqliteSynchronous): Database.Database {
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('busy_timeout = 10000');
    db.pragma('foreign_keys = ON');
    db.pragma('temp_store = MEMORY');
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
