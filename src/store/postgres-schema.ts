import type { Pool } from 'pg';
import { inTransaction } from './postgres-transaction.ts';
import { StoreMisconfiguredError, ValidationError } from '../errors.ts';

/** One step of the PostgreSQL schema. Append new ones; never edit a released one. */
export interface PostgresMigration {
  version: number;
  name: string;
  /** Plain SQL, run with `search_path` set to the store's schema (so names are unqualified). */
  sql: string;
}

/**
 * The PostgreSQL schema, as versioned migrations recorded in `tollgate_migrations`.
 *
 * Text that is sorted or compared (ids, ISO timestamps) is `COLLATE "C"`, so orders are
 * code-point orders, the same as SQLite's and memory's whatever the database's locale.
 * Timestamps stay the ISO strings the records carry, so records round-trip exactly.
 * `journal_head` is one row holding the last seq and hash: every writer locks it
 * (`FOR UPDATE`) for its whole transaction, which keeps the audit chain one gapless chain
 * across transactions and processes (see postgres-writer.ts).
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'tasks, approvals, journal, autonomy',
    sql: `
    CREATE TABLE tasks (
      id TEXT COLLATE "C" NOT NULL,
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
      updated_at TEXT NOT NULL,
      CONSTRAINT tasks_pkey PRIMARY KEY (id)
    );
    CREATE INDEX tasks_state ON tasks (state, id);
    CREATE UNIQUE INDEX tasks_idempotency ON tasks (agent_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

    CREATE TABLE approvals (
      id TEXT COLLATE "C" NOT NULL,
      task_id TEXT NOT NULL,
      status TEXT NOT NULL,
      risk_level TEXT NOT NULL,
      action_type TEXT NOT NULL,
      created_at TEXT COLLATE "C" NOT NULL,
      expires_at TEXT COLLATE "C",
      record TEXT NOT NULL,
      CONSTRAINT approvals_pkey PRIMARY KEY (id)
    );
    CREATE INDEX approvals_due ON approvals (expires_at, id) WHERE status = 'pending' AND expires_at IS NOT NULL;
    CREATE INDEX approvals_newest ON approvals (created_at, id);
    CREATE INDEX approvals_status_newest ON approvals (status, created_at, id);
    CREATE INDEX approvals_task ON approvals (task_id);

    CREATE TABLE journal (
      seq BIGINT NOT NULL,
      at TEXT NOT NULL,
      actor TEXT NOT NULL,
      type TEXT NOT NULL,
      task_id TEXT,
      approval_id TEXT,
      data TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL,
      CONSTRAINT journal_pkey PRIMARY KEY (seq)
    );
    CREATE INDEX journal_task ON journal (task_id, seq);

    CREATE TABLE journal_head (
      id BOOLEAN NOT NULL DEFAULT TRUE CHECK (id),
      seq BIGINT NOT NULL,
      hash TEXT NOT NULL,
      CONSTRAINT journal_head_pkey PRIMARY KEY (id)
    );
    INSERT INTO journal_head (id, seq, hash) VALUES (TRUE, 0, repeat('0', 64));

    CREATE TABLE autonomy (
      scope TEXT COLLATE "C" NOT NULL,
      subject TEXT COLLATE "C" NOT NULL,
      record TEXT NOT NULL,
      CONSTRAINT autonomy_pkey PRIMARY KEY (scope, subject)
    );
    `,
  },
  {
    version: 2,
    name: 'task leases',
    sql: `
    CREATE TABLE leases (
      task_id TEXT COLLATE "C" NOT NULL,
      owner TEXT NOT NULL,
      expires_at TEXT COLLATE "C" NOT NULL,
      CONSTRAINT leases_pkey PRIMARY KEY (task_id)
    );
    `,
  },
  {
    version: 3,
    name: 'approval queue in urgency order',
    // approval-order-sql.ts's URGENCY_ORDER_SQL, for pending approvals only (see the SQLite migration 5).
    sql: `
    CREATE INDEX approvals_pending_urgency ON approvals (
      (CASE risk_level WHEN 'low' THEN 3 WHEN 'medium' THEN 2 WHEN 'high' THEN 1 WHEN 'critical' THEN 0 ELSE 4 END),
      (expires_at IS NULL), expires_at, created_at, id
    ) WHERE status = 'pending';
    `,
  },
  {
    version: 4,
    // As SQLite's migration 4: the queue's total is a sum over a few rows instead of a COUNT(*)
    // per page (~170–310 ms at 900,000 pending, measured). The counter rows are written only
    // under the journal head's lock (every approval write is part of a task commit, which takes
    // it first), so they add no waiting and no lock-order of their own. The trigger function
    // keeps this schema's search_path (FROM CURRENT), whatever the caller's.
    name: 'approval counts',
    sql: `
    -- Workers of the previous release may be writing: none may slip in between the backfill and the triggers.
    LOCK TABLE approvals IN SHARE ROW EXCLUSIVE MODE;
    CREATE TABLE approval_counts (
      status TEXT NOT NULL,
      risk_level TEXT NOT NULL,
      action_type TEXT NOT NULL,
      n BIGINT NOT NULL,
      CONSTRAINT approval_counts_pkey PRIMARY KEY (status, risk_level, action_type)
    );
    INSERT INTO approval_counts (status, risk_level, action_type, n)
      SELECT status, risk_level, action_type, COUNT(*) FROM approvals GROUP BY status, risk_level, action_type;
    CREATE FUNCTION approval_counts_track() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE approval_counts SET n = n - 1
          WHERE status = OLD.status AND risk_level = OLD.risk_level AND action_type = OLD.action_type;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO approval_counts (status, risk_level, action_type, n) VALUES (NEW.status, NEW.risk_level, NEW.action_type, 1)
          ON CONFLICT (status, risk_level, action_type) DO UPDATE SET n = approval_counts.n + 1;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER approval_counts_insert_delete AFTER INSERT OR DELETE ON approvals
      FOR EACH ROW EXECUTE FUNCTION approval_counts_track();
    CREATE TRIGGER approval_counts_update AFTER UPDATE OF status, risk_level, action_type ON approvals
      FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.risk_level IS DISTINCT FROM NEW.risk_level
        OR OLD.action_type IS DISTINCT FROM NEW.action_type)
      EXECUTE FUNCTION approval_counts_track();
    `,
  },
];

/** First key of the migration advisory lock ('toll'); the second is the schema's hash. */
const MIGRATION_LOCK = 0x746f6c6c;

/**
 * A schema name, checked (lower-case letters, digits, `_`; at most 63; not `pg_…`, which
 * PostgreSQL reserves for itself and refuses to create) and double-quoted.
 * @example quoteSchema('tollgate') // '"tollgate"'
 */
export function quoteSchema(schema: string): string {
  const broken = schemaNameProblem(schema);
  if (broken !== undefined) {
    const message = `invalid PostgreSQL schema name ${JSON.stringify(schema)}: ${broken}`;
    throw new ValidationError(message, [{ path: 'schema', message }]);
  }
  return `"${schema}"`;
}

/** Which rule a schema name breaks, or undefined. */
function schemaNameProblem(schema: string): string | undefined {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) return 'use lower-case letters, digits and _ (not a digit first)';
  if (schema.length > 63) return 'at most 63 characters (PostgreSQL cuts longer names)';
  if (schema.startsWith('pg_')) return 'names starting with pg_ are reserved by PostgreSQL';
  return undefined;
}

/** The store's tables, schema-qualified, ready to put in SQL. */
export interface PostgresTables {
  /** The schema's own name (unquoted): the payload of journal notifications. */
  schema: string;
  tasks: string;
  approvals: string;
  journal: string;
  journalHead: string;
  /** Pending, approved, … approvals per (status, risk level, action type), kept by triggers (migration 4). */
  approvalCounts: string;
  autonomy: string;
  leases: string;
}

/**
 * Schema-qualified table names: queries name the schema rather than rely on `search_path`,
 * which connection poolers such as PgBouncer do not keep per client.
 * @example postgresTables('tollgate').tasks // '"tollgate".tasks'
 */
export function postgresTables(schema: string): PostgresTables {
  const quoted = quoteSchema(schema);
  return {
    schema,
    tasks: `${quoted}.tasks`,
    approvals: `${quoted}.approvals`,
    approvalCounts: `${quoted}.approval_counts`,
    journal: `${quoted}.journal`,
    journalHead: `${quoted}.journal_head`,
    autonomy: `${quoted}.autonomy`,
    leases: `${quoted}.leases`,
  };
}

/**
 * The schema version Tollgate last migrated `schema` to (0 when it never set it up), read
 * without changing anything: for tools that only read, which must not migrate a shared database
 * one way behind its workers' backs.
 * @example await postgresSchemaVersion(pool, 'tollgate') // 4
 */
export async function postgresSchemaVersion(pool: Pool, schema: string): Promise<number> {
  const quoted = quoteSchema(schema);
  const tracked = await pool.query(`SELECT to_regclass('${quoted}.tollgate_migrations') IS NOT NULL AS present`);
  if (!tracked.rows[0]?.present) return 0;
  const { rows } = await pool.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${quoted}.tollgate_migrations`);
  return rows[0]?.version ?? 0;
}

/** The refusal of a schema a newer Tollgate migrated: migrations are one-way. */
export function newerSchemaError(schema: string, version: number): StoreMisconfiguredError {
  return new StoreMisconfiguredError(
    `database schema ${schema} is at version ${version}, newer than this Tollgate (${POSTGRES_MIGRATIONS.length}): migrations are one-way; run the Tollgate that migrated it`,
  );
}

/**
 * Creates the schema if missing and applies the migrations it lacks, in one transaction under
 * `pg_advisory_xact_lock`, so workers starting together neither race nor apply one twice.
 * Refuses a schema migrated by a newer Tollgate. Answers the version it found (0: a new schema)
 * and the one now in force.
 * @example await migratePostgres(pool, 'public') // { from: 6, to: 7 }
 */
export async function migratePostgres(pool: Pool, schema: string): Promise<{ from: number; to: number }> {
  const quoted = quoteSchema(schema);
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK, schema]);
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${quoted}`);
    await client.query(`SET LOCAL search_path TO ${quoted}`);
    // Checked first, so a role without CREATE on the schema can open a migrated store.
    const tracked = await client.query(`SELECT to_regclass('${quoted}.tollgate_migrations') IS NOT NULL AS present`);
    if (!tracked.rows[0]?.present) {
      await client.query(
        'CREATE TABLE tollgate_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
    }
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM tollgate_migrations')).rows.map((row) => row.version));
    const newest = Math.max(0, ...applied);
    const known = POSTGRES_MIGRATIONS.length;
    if (newest > known) throw newerSchemaError(schema, newest);
    for (const migration of POSTGRES_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO tollgate_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    }
    return { from: newest, to: known };
  });
}

/** The channel on which every commit that appended to a journal notifies (payload: the schema). */
export const JOURNAL_CHANNEL = 'tollgate_journal';
