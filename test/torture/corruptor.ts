import Database from 'better-sqlite3';
import { postgresCorruptor } from './postgres-corruptor.ts';

/**
 * Damages stored rows behind the gate's back while it is stopped — one backend's way of doing
 * it. The torture driver only knows this interface.
 */
export interface StoreCorruptor {
  /** Makes a task's persisted snapshot unreadable (truncated JSON). */
  corruptSnapshot(taskId: string): Promise<void>;
  /** Makes an approval's stored record unreadable (truncated JSON). */
  corruptApproval(approvalId: string): Promise<void>;
}

/**
 * The corruptor for a `--db` URL: `sqlite:PATH` or `postgres://…?schema=NAME`.
 * @example await corruptorFor('sqlite:/tmp/t/tollgate.db').corruptSnapshot(taskId);
 */
export function corruptorFor(dbUrl: string): StoreCorruptor {
  if (dbUrl.startsWith('postgres://') || dbUrl.startsWith('postgresql://')) return postgresCorruptor(dbUrl);
  if (!dbUrl.startsWith('sqlite:')) throw new Error(`no corruptor for ${dbUrl} (sqlite: and postgres:// only)`);
  return sqliteCorruptor(dbUrl.slice('sqlite:'.length));
}

/** Opens the file with better-sqlite3 and truncates the JSON text in place. */
function sqliteCorruptor(path: string): StoreCorruptor {
  const edit = async (sql: string, id: string) => {
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
