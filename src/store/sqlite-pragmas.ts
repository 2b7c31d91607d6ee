import type Database from 'better-sqlite3';

/** How durable a commit is: `FULL` survives power loss, `NORMAL` a process crash only. */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

/**
 * The WAL size (pages) at which a commit checkpoints it. The commit that does pays for it:
 * at SQLite's default of 1,000 that was every ~125th commit at 2–4 ms — the whole p99 of a
 * resume at one task in flight (2.2–2.5 ms). A task rewrites the same few pages (its row, the
 * indexes, the journal's tail), so a checkpoint of 4,000 pages copies not much more than one
 * of 1,000: the spikes come 4× less often at about the same size (p99 1.45–1.55 ms, p999
 * unchanged); at 10,000 the p999 doubled. The WAL file grows to ~16 MB with 4 KiB pages, ~32 MB
 * with {@link SQLITE_PAGE_SIZE}'s 8 KiB (those measurements were of 4 KiB pages; the 8 KiB ones
 * were measured with this threshold).
 */
export const WAL_AUTOCHECKPOINT_PAGES = 4000;

/**
 * The page size of a new store's file (an existing file keeps the one it was made with: SQLite
 * changes it only by rebuilding the file, which a WAL database cannot). A task's row is ~2 KB
 * and grows at each step; in 8 KiB pages four share a page, a row's growth fits in the page's
 * slack more often, and a commit writes fewer WAL frames, each two system calls. Measured with
 * `npm run bench -- --ab` (SQLite at 64 in flight, 8 runs of 20 chunk pairs, against 4 KiB):
 * resume ×1.068 (CPU per task ×0.956), auto ×1.028, park ×1.012 (parking into a fresh, empty
 * file: −3.5 to −5 %); 16 KiB was no better than 8.
 */
export const SQLITE_PAGE_SIZE = 8192;

/**
 * Gives a connection the store's settings: the page size of a new file, WAL and its checkpoint
 * size, the chosen durability, a busy timeout, foreign keys, temporary storage in memory. The last
 * is for the statement journal: inside a group-commit transaction each statement keeps the
 * original of every page it changes in a sub-journal (to undo that statement alone), which SQLite
 * spilled to a temporary file — two `pwrite`s per page (strace: 45,000 of them in 4,000 parks and
 * resumes, as many as the WAL's own writes). Kept in memory, the same resumes took 6–12 % less CPU
 * (five pairs of runs side by side). Tollgate's reads are served by indexes, so no query builds a
 * large temporary table. Every connection of the store — the reading one and the writer thread's —
 * gets them here, so they cannot disagree.
 * @example configureSqliteConnection(new Database(path), 'FULL');
 */
export function configureSqliteConnection(db: Database.Database, synchronous: SqliteSynchronous): Database.Database {
  try {
    // Before anything is written: on a file that has pages already, a no-op.
    db.pragma(`page_size = ${SQLITE_PAGE_SIZE}`);
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
