import type { Database } from 'better-sqlite3';
import { StoreMisconfiguredError } from '../errors.ts';

/**
 * The SQLite schema, as versioned migrations. `PRAGMA user_version` records how many have run;
 * opening a database applies the missing ones in one transaction. Append; never edit a
 * released migration.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    action_type TEXT NOT NULL,
    title TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    department TEXT,
    risk_level TEXT,
    approval_id TEXT,
    parent_task_id TEXT,
    idempotency_key TEXT,
    revision INTEGER NOT NULL,
    envelope TEXT NOT NULL,
    history TEXT NOT NULL,
    quarantine_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX tasks_state ON tasks(state, id);
  CREATE UNIQUE INDEX tasks_idempotency ON tasks(agent_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

  CREATE TABLE approvals (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    status TEXT NOT NULL,
    risk_level TEXT NOT NULL,
    action_type TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    record TEXT NOT NULL
  );
  CREATE INDEX approvals_due ON approvals(status, expires_at) WHERE expires_at IS NOT NULL;
  CREATE INDEX approvals_newest ON approvals(created_at, id);
  CREATE INDEX approvals_status_newest ON approvals(status, created_at, id);
  CREATE INDEX approvals_task ON approvals(task_id);

  CREATE TABLE journal (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    type TEXT NOT NULL,
    task_id TEXT,
    approval_id TEXT,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE INDEX journal_task ON journal(task_id, seq);
  `,
  `
  CREATE TABLE autonomy (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (scope, subject)
  );
  `,
  `
  CREATE TABLE leases (
    task_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  `,
  // Approval counts by (status, risk_level, action_type), kept by triggers: the queue's
  // \`total\` is a sum over a few rows instead of a COUNT(*) over every matching approval on each
  // page (33 ms per page at 1M pending approvals, growing linearly).
  `
  CREATE TABLE approval_counts (
    status TEXT NOT NULL,
    risk_level TEXT NOT NULL,
    action_type TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (status, risk_level, action_type)
  ) WITHOUT ROWID;
  INSERT INTO approval_counts (status, risk_level, action_type, n)
    SELECT status, risk_level, action_type, COUNT(*) FROM approvals GROUP BY status, risk_level, action_type;
  CREATE TRIGGER approval_counts_insert AFTER INSERT ON approvals BEGIN
    INSERT INTO approval_counts (status, risk_level, action_type, n) VALUES (NEW.status, NEW.risk_level, NEW.action_type, 1)
      ON CONFLICT (status, risk_level, action_type) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER approval_counts_update AFTER UPDATE OF status, risk_level, action_type ON approvals
    WHEN OLD.status IS NOT NEW.status OR OLD.risk_level IS NOT NEW.risk_level OR OLD.action_type IS NOT NEW.action_type
  BEGIN
    UPDATE approval_counts SET n = n - 1 WHERE status = OLD.status AND risk_level = OLD.risk_level AND action_type = OLD.action_type;
    INSERT INTO approval_counts (status, risk_level, action_type, n) VALUES (NEW.status, NEW.risk_level, NEW.action_type, 1)
      ON CONFLICT (status, risk_level, action_type) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER approval_counts_delete AFTER DELETE ON approvals BEGIN
    UPDATE approval_counts SET n = n - 1 WHERE status = OLD.status AND risk_level = OLD.risk_level AND action_type = OLD.action_type;
  END;
  `,
  // The approval queue in working order (model/approval-order.ts, order=urgency): risk rank,
  // deadline (none last), oldest, id — for pending approvals only, so an approval leaves it when
  // decided. The expressions are approval-order-sql.ts's URGENCY_ORDER_SQL, letter for letter:
  // SQLite uses an index on expressions only for the same text.
  `
  CREATE INDEX approvals_pending_urgency ON approvals (
    (CASE risk_level WHEN 'low' THEN 3 WHEN 'medium' THEN 2 WHEN 'high' THEN 1 WHEN 'critical' THEN 0 ELSE 4 END),
    expires_at IS NULL, expires_at, created_at, id
  ) WHERE status = 'pending';
  `,
  // The journal's head, apart from the chain: the seq and hash of its last entry, moved by every
  // transaction that appends. audit verify checks the chain's end against it, so a deleted or
  // replaced tail is caught (the links alone cannot show a missing tail).
  `
  CREATE TABLE journal_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
  );
  INSERT INTO journal_head (id, seq, hash) SELECT 1, seq, hash FROM journal ORDER BY seq DESC LIMIT 1;
  `,
  // The sweeper's index (SQLITE_DUE_APPROVALS): pending approvals with a deadline, by deadline
  // then id — the order it reads them in, so no sort (the first index left id to a temporary
  // B-tree); a decided approval leaves it, so a decision deletes one entry instead of moving one,
  // and the index holds only the queue. `status` leads though constant: without statistics,
  // SQLite's planner takes an index for `status = 'pending'` only when the column is in it.
  `
  DROP INDEX IF EXISTS approvals_due;
  CREATE INDEX IF NOT EXISTS approvals_pending_due ON approvals (status, expires_at, id) WHERE status = 'pending' AND expires_at IS NOT NULL;
  `,
];

/**
 * The sweeper's read of approvals past their deadline, oldest deadline first (bound: now, limit),
 * served in order by the index approvals_pending_due.
 */
export const SQLITE_DUE_APPROVALS =
  "SELECT * FROM approvals WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at, id LIMIT ?";

/**
 * Brings a database's schema up to date.
 * @example migrateSqlite(db) // returns the schema version now in force
 */
export function migrateSqlite(db: Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SQLITE_MIGRATIONS.length) {
    throw new StoreMisconfiguredError(
      `database schema version ${current} is newer than this Tollgate (${SQLITE_MIGRATIONS.length}): migrations are one-way; run the Tollgate that migrated it, or restore a backup taken before`,
    );
  }
  db.transaction(() => {
    for (let version = current; version < SQLITE_MIGRATIONS.length; version += 1) {
      db.exec(SQLITE_MIGRATIONS[version] as string);
    }
    db.pragma(`user_version = ${SQLITE_MIGRATIONS.length}`);
  }).immediate();
  return SQLITE_MIGRATIONS.length;
}
