import Database from 'better-sqlite3';

/**
 * Damages stored rows behind the gate's back while it is stopped — one backend's way of doing
 * it. The torture driver only knows this interface, so a PostgreSQL corruptor can join later.
 */
export interface StoreCorruptor {
  /** Makes a task's persisted snapshot unreadable (truncated JSON). */
  corruptSnapshot(taskId: string): void;
  /** Makes an approval's stored record unreadable (truncated JSON). */
  corruptApproval(approvalId: string): void;
}

/**
 * The corruptor for a `sqlite:PATH` database: opens the file with better-sqlite3 and truncates
 * the JSON text in place.
 * @example corruptorFor('sqlite:/tmp/t/tollgate.db').corruptSnapshot(taskId);
 */
export function corruptorFor(dbUrl: string): StoreCorruptor {
  if (!dbUrl.startsWith('sqlite:')) throw new Error(`no corruptor for ${dbUrl} yet (SQLite only)`);
  const path = dbUrl.slice('sqlite:'.length);
  const edit = (sql: string, id: string) => {
    const db = new Database(path);
    try {
      const changed = db.prepare(sql).run(id).changes;
      if (changed !== 1) throw new Error(`corrupting ${id}: ${changed} rows changed`);
    } finally {
      db.close();
    }
  };
  return {
    corruptSnapshot: (taskId) => edit('UPDATE tasks SET envelope = substr(envelope, 1, 60) WHERE id = ?', taskId),
    corruptApproval: (approvalId) => edit('UPDATE approvals SET record = substr(record, 1, 40) WHERE id = ?', approvalId),
  };
}
