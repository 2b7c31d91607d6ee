import type Database from 'better-sqlite3';

/** How durable a commit is: `FULL` survives power loss, `NORMAL` a process crash only. */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

/**
 * Gives a connection the store's settings: WAL, the chosen durability, a busy timeout, foreign
 * keys. Every connection of the store — the reading one and the writer thread's — gets them
 * here, so they cannot disagree.
 * @example configureSqliteConnection(new Database(path), 'FULL');
 */
export function configureSqliteConnection(db: Database.Database, synchronous: SqliteSynchronous): Database.Database {
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('busy_timeout = 10000');
    db.pragma('foreign_keys = ON');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
