import pg from 'pg';
import { PostgresStoreOptionsSchema, checkStoreOptions } from './store-options.ts';
import type { Logger } from 'pino';
import { ClosedError } from '../errors.ts';
import { failureSummary } from './store-outage.ts';
import type { Approval } from '../model/approval.ts';
import type { AuditAnchor } from '../model/audit-anchor.ts';
import { AutonomySetting } from '../model/autonomy-setting.ts';
import type { AuditEntry, AuditVerification, LifecycleEvent } from '../model/lifecycle-event.ts';
import type { TaskState } from '../model/task-state.ts';
import { ChainWalk } from './audit-chain.ts';
import {
  APPROVAL_COLUMNS,
  APPROVAL_TASK_COLUMNS,
  type ApprovalRow,
  type ApprovalTaskRow,
  type PgJournalRow,
  TASK_COLUMNS,
  type TaskRow,
  approvalFromRow,
  approvalWithTaskFromRow,
  auditFromPg,
  eventFromPg,
  taskFromRow,
} from './postgres-rows.ts';
import { type PostgresTables, postgresTables } from './postgres-schema.ts';
import { DEFAULT_QUERY_TIMEOUT_MS, assertSchemaCurrent, migrateUnbounded, postgresConnection } from './postgres-setup.ts';
import { GroupCommitWriter } from './postgres-writer.ts';
import { type WriteStatements, autonomyWrite, taskCommitWrite, writeStatements } from './postgres-writes.ts';
import { type ApprovalFilterTerm, approvalFilterTerms, readSegments } from './approval-order-sql.ts';
import { pendingByRisk } from './pending-summary.ts';
import type { ApprovalQuery, ApprovalWithTask, PendingApprovalSummary, Store, TaskQuery } from './store.ts';
import type { CommitReceipt, TaskCommit, TaskLease, TaskRecord } from './task-record.ts';
import { JournalWatch } from './postgres-journal-watch.ts';

/** The task columns, qualified by the alias `t` (for queries that join tasks with another table). */
const T_TASK_COLUMNS = TASK_COLUMNS.split(',').map((column) => `t.${column.trim()}`).join(', ');

/** Options for the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** e.g. `postgres://tollgate@db:5432/tollgate`. */
  connectionString: string;
  /** The schema holding every Tollgate table, created if missing. Default `public`. */
  schema?: string;
  /** Connections in the pool (one writes at a time, the rest read). Default 10. */
  poolSize?: number;
  /**
   * How long a new connection may take before it fails (then the request answers 503
   * store_unavailable). Default 5 s: a database host that drops packets instead of refusing
   * them otherwise held every request as long as the kernel tried to connect.
   */
  connectTimeoutMs?: number;
  /**
   * How long a statement may wait for the database's answer before it fails (503
   * store_unavailable) and its connection is dropped. Default 30 s, far above any statement's
   * own time: it is for a connection gone silent (a failover whose old primary drops packets, a
   * NAT that forgot it), on which a write otherwise waited as long as the kernel retransmits
   * (~15 min), holding every write behind it. The database likewise ends a transaction left idle
   * this long (`idle_in_transaction_session_timeout`): a worker cut off mid-transaction would
   * otherwise hold the journal head, and every worker's writes, for hours. Schema migrations are
   * not bounded (an index built on a large table, a worker waiting for another's migration). A
   * `query_timeout` parameter in the connection string overrides the first.
   */
  queryTimeoutMs?: number;
  /**
   * For tools that only read (`audit verify`, `policy replay`): create and migrate nothing; refuse a
   * schema Tollgate never set up, or one at another version than this Tollgate's.
   */
  mustExist?: boolean;
  logger?: Logger;
}

const JOURNAL_COLUMNS = 'seq, at, actor, type, task_id, approval_id, data, prev_hash, hash';
/** Rows per round trip when `verifyAudit` walks the whole chain. */
const VERIFY_PAGE = 5_000;

/**
 * Opens the PostgreSQL store, for many stateless workers sharing one database: creates or
 * migrates its schema (under an advisory lock), then serves the `Store` interface from a
 * `pg.Pool`. Commits go through group commit (see `GroupCommitWriter`): each batch is one
 * transaction, its task commits two statements in all, a failing commit fails alone, and the
 * audit chain stays one gapless chain (under the `journal_head` row lock) whatever the number of
 * processes.
 *
 * @example
 * const store = await openPostgresStore({ connectionString: 'postgres://tollgate@db/tollgate', schema: 'tollgate' });
 * await store.commit({ task, expectedRevision: null, approval, events });
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  checkStoreOptions(PostgresStoreOptionsSchema, options, 'PostgreSQL store options (openPostgresStore({ connectionString }))');
  const schema = options.schema ?? 'public';
  const tables = postgresTables(schema);
  const connection = postgresConnection(options);
  const queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const pool = new pg.Pool({ ...connection, max: options.poolSize ?? 10, query_timeout: queryTimeoutMs });
  // An idle connection that dies (server restart, network) must not crash the process.
  // Logged without the error object: pg hangs the whole client (its connection parameters) on it.
  pool.on('error', (error) => options.logger?.warn({ ...failureSummary(error) }, 'postgres store: idle connection failed'));
  try {
    if (options.mustExist) {
      await assertSchemaCurrent(pool, schema);
      return new PostgresStore(pool, tables, options.logger, queryTimeoutMs);
    }
    const { from, to } = await migrateUnbounded(connection, schema);
    // One way (an older Tollgate refuses the newer schema): worth a line whenever it happens.
    if (from === 0) options.logger?.info({ schema, version: to }, `set up a new postgres store in schema ${schema} (schema version ${to})`);
    else if (from !== to) options.logger?.info({ schema, from, to }, `migrated the postgres store (schema ${schema}) from schema ${from} to ${to}`);
    options.logger?.debug({ schema, version: to }, 'postgres store opened');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new PostgresStore(pool, tables, options.logger, queryTimeoutMs);
}

class PostgresStore implements Store {
  readonly kind = 'postgres';
  readonly shared = true;
  readonly #pool: pg.Pool;
  readonly #watch: JournalWatch;
  readonly #t: PostgresTables;
  readonly #sql: WriteStatements;
  readonly #writer: GroupCommitWriter;
  #closing: Promise<void> | null = null;

  constructor(pool: pg.Pool, tables: PostgresTables, logger: Logger | undefined, idleInTransactionMs: number) {
    this.#pool = pool;
    this.#t = tables;
    this.#sql = writeStatements(tables);
    this.#writer = new GroupCommitWriter(pool, tables, logger, { idleInTransactionMs });
    this.#watch = new JournalWatch(pool, tables.schema, logger);
  }

  watchJournal(listener: () => void): () => void {
    this.#assertOpen();
    return this.#watch.add(listener);
  }

  async claimTasks(taskIds: readonly string[], lease: TaskLease, now: string): Promise<string[]> {
    if (taskIds.length === 0) return [];
    // Row by row under ON CONFLICT: of workers claiming one task at once, the second waits for the
    // first's row and then finds it held, so exactly one gets it.
    const rows = await this.#rows<{ task_id: string }>(
      `INSERT INTO ${this.#t.leases} (task_id, owner, expires_at) SELECT DISTINCT unnest($1::text[]), $2::text, $3::text
       ON CONFLICT (task_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE ${this.#t.leases}.expires_at <= $4 OR ${this.#t.leases}.owner = excluded.owner
       RETURNING task_id`,
      [[...taskIds], lease.owner, lease.expiresAt, now],
    );
    return rows.map((row) => row.task_id);
  }

  async renewLeases(taskIds: readonly string[], lease: TaskLease): Promise<string[]> {
    if (taskIds.length === 0) return [];
    const rows = await this.#rows<{ task_id: string }>(
      `UPDATE ${this.#t.leases} SET expires_at = $3 WHERE task_id = ANY($1::text[]) AND owner = $2 RETURNING task_id`,
      [[...taskIds], lease.owner, lease.expiresAt],
    );
    return rows.map((row) => row.task_id);
  }

  commit(change: TaskCommit): Promise<CommitReceipt> {
    if (this.#closing) return Promise.reject(new ClosedError('store'));
    return this.#writer.submit(taskCommitWrite(this.#sql, change));
  }

  async getTask(id: string): Promise<TaskRecord | null> {
    const rows = await this.#rows<TaskRow>(`SELECT ${TASK_COLUMNS} FROM ${this.#t.tasks} WHERE id = $1`, [id]);
    return rows[0] ? taskFromRow(rows[0]) : null;
  }

  async findTaskByIdempotencyKey(agentId: string, key: string): Promise<TaskRecord | null> {
    const rows = await this.#rows<TaskRow>(`SELECT ${TASK_COLUMNS} FROM ${this.#t.tasks} WHERE agent_id = $1 AND idempotency_key = $2`, [agentId, key]);
    return rows[0] ? taskFromRow(rows[0]) : null;
  }

  async listTasks(query: TaskQuery): Promise<{ items: TaskRecord[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.state !== undefined) where.push(`state = $${params.push(query.state)}`);
    if (query.cursor !== undefined) where.push(`id < $${params.push(query.cursor)}`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const rows = await this.#rows<TaskRow>(`SELECT ${TASK_COLUMNS} FROM ${this.#t.tasks} ${filter} ORDER BY id DESC LIMIT $${params.push(query.limit + 1)}`, params);
    const items = rows.slice(0, query.limit).map(taskFromRow);
    return { items, nextCursor: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null };
  }

  async listTasksInStates(states: readonly TaskState[], limit: number, options: { leaseFreeAt?: string } = {}): Promise<TaskRecord[]> {
    this.#assertOpen();
    if (states.length === 0) return [];
    if (options.leaseFreeAt === undefined) {
      const rows = await this.#rows<TaskRow>(`SELECT ${TASK_COLUMNS} FROM ${this.#t.tasks} WHERE state = ANY($1::text[]) ORDER BY id LIMIT $2`, [states, limit]);
      return rows.map(taskFromRow);
    }
    const rows = await this.#rows<TaskRow>(
      `SELECT ${T_TASK_COLUMNS} FROM ${this.#t.tasks} t LEFT JOIN ${this.#t.leases} l ON l.task_id = t.id
       WHERE t.state = ANY($1::text[]) AND (l.task_id IS NULL OR l.expires_at <= $2) ORDER BY t.id LIMIT $3`,
      [states, options.leaseFreeAt, limit],
    );
    return rows.map(taskFromRow);
  }

  async listReroutesWithoutAlternative(limit: number): Promise<TaskRecord[]> {
    const rows = await this.#rows<TaskRow>(
      `SELECT ${T_TASK_COLUMNS} FROM ${this.#t.tasks} t LEFT JOIN ${this.#t.tasks} a ON a.id = t.id || '-alt'
       WHERE t.state = 'rerouted' AND a.id IS NULL ORDER BY t.id LIMIT $1`,
      [limit],
    );
    return rows.map(taskFromRow);
  }

  async getApproval(id: string): Promise<Approval | null> {
    const rows = await this.#rows<ApprovalRow>(`SELECT ${APPROVAL_COLUMNS} FROM ${this.#t.approvals} WHERE id = $1`, [id]);
    return rows[0] ? approvalFromRow(rows[0]) : null;
  }
  async getApprovalWithTask(approvalId: string): Promise<ApprovalWithTask | null> {
    const rows = await this.#rows<ApprovalTaskRow>(
      `SELECT ${APPROVAL_TASK_COLUMNS} FROM ${this.#t.approvals} a LEFT JOIN ${this.#t.tasks} t ON t.id = a.task_id WHERE a.id = $1`,
      [approvalId],
    );
    return rows[0] ? approvalWithTaskFromRow(rows[0]) : null;
  }


  async listApprovals(query: ApprovalQuery): Promise<{ items: Approval[]; total: number }> {
    const counted = withPlaceholders(approvalFilterTerms(query, { forRows: false }));
    const listed = approvalFilterTerms(query, { forRows: true });
    const [count, rows] = await Promise.all([
      // approval_counts has the same filter columns, a few rows in all (kept by triggers, migration 4).
      this.#rows<{ n: string }>(`SELECT COALESCE(SUM(n), 0) AS n FROM ${this.#t.approvalCounts} ${counted.where}`, counted.values),
      // Pending in urgency order reads approvals_pending_urgency (migration 3), already in order.
      readSegments(query, 'postgres', (segment, limit, offset) => {
        const terms = withPlaceholders([...listed, ...segment.terms]);
        const page = `LIMIT $${terms.values.length + 1} OFFSET $${terms.values.length + 2}`;
        return this.#rows<ApprovalRow>(`SELECT ${APPROVAL_COLUMNS} FROM ${this.#t.approvals} ${terms.where} ORDER BY ${segment.orderBy} ${page}`, [
          ...terms.values,
          limit,
          offset,
        ]);
      }),
    ]);
    // A damaged record reads as a stand-in (approvalFromRow): one bad row never breaks the queue.
    return { items: rows.map(approvalFromRow), total: Number(count[0]?.n ?? 0) };
  }

  async pendingApprovalSummary(): Promise<PendingApprovalSummary> {
    // A few rows of approval_counts (kept by triggers) and one entry of approvals_status_newest: never a scan.
    const [counts, oldest] = await Promise.all([
      this.#rows<{ risk_level: string; n: string }>(`SELECT risk_level, SUM(n) AS n FROM ${this.#t.approvalCounts} WHERE status = 'pending' GROUP BY risk_level`, []),
      this.#rows<{ created_at: string }>(`SELECT created_at FROM ${this.#t.approvals} WHERE status = 'pending' ORDER BY created_at LIMIT 1`, []),
    ]);
    return { byRisk: pendingByRisk(counts), oldestCreatedAt: oldest[0]?.created_at ?? null };
  }

  async listDueApprovals(now: string, limit: number): Promise<Approval[]> {
    // Served by the partial index approvals_due (expires_at, id) WHERE status = 'pending'.
    const rows = await this.#rows<ApprovalRow>(
      `SELECT ${APPROVAL_COLUMNS} FROM ${this.#t.approvals} WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at, id LIMIT $2`,
      [now, limit],
    );
    return rows.map(approvalFromRow);
  }

  async setAutonomy(setting: AutonomySetting): Promise<{ seq: number }> {
    this.#assertOpen();
    // Through the writer, behind the commits already issued: the chain's order is the order things were acknowledged.
    return this.#writer.submit(autonomyWrite(this.#sql, setting));
  }

  async listAutonomy(): Promise<AutonomySetting[]> {
    const rows = await this.#rows<{ record: string }>(`SELECT record FROM ${this.#t.autonomy} ORDER BY scope, subject`, []);
    return rows.map((row) => AutonomySetting.parse(JSON.parse(row.record)));
  }

  async readEvents(afterId: number, limit: number): Promise<LifecycleEvent[]> {
    const rows = await this.#rows<PgJournalRow>(
      `SELECT ${JOURNAL_COLUMNS} FROM ${this.#t.journal} WHERE seq > $1 AND task_id IS NOT NULL ORDER BY seq LIMIT $2`,
      [afterId, limit],
    );
    return rows.map(eventFromPg);
  }

  async lastEventId(): Promise<number> {
    // The head moves in the same transaction as the journal rows it points at.
    const rows = await this.#rows<{ seq: string }>(`SELECT seq FROM ${this.#t.journalHead}`, []);
    return Number(rows[0]?.seq ?? 0);
  }

  async readAudit(query: { taskId?: string; afterSeq?: number; limit?: number }): Promise<AuditEntry[]> {
    const params: unknown[] = [query.afterSeq ?? 0];
    const byTask = query.taskId === undefined ? '' : `AND task_id = $${params.push(query.taskId)}`;
    const rows = await this.#rows<PgJournalRow>(
      `SELECT ${JOURNAL_COLUMNS} FROM ${this.#t.journal} WHERE seq > $1 ${byTask} ORDER BY seq LIMIT $${params.push(query.limit ?? null)}`,
      params,
    );
    return rows.map(auditFromPg);
  }

  async verifyAudit(anchors: readonly AuditAnchor[] = []): Promise<AuditVerification> {
    // The head first: its seq and hash were committed with the entries up to it, so every one of
    // them is visible to the reads below.
    const [head] = await this.#rows<{ seq: string; hash: string }>(`SELECT seq, hash FROM ${this.#t.journalHead}`, []);
    const walk = new ChainWalk(head ? { seq: Number(head.seq), hash: head.hash } : undefined, anchors);
    // Page by page, so a long chain is checked in constant memory.
    for (let after = 0; ; after += VERIFY_PAGE) {
      const rows = await this.#rows<PgJournalRow>(`SELECT ${JOURNAL_COLUMNS} FROM ${this.#t.journal} WHERE seq > $1 ORDER BY seq LIMIT $2`, [
        after,
        VERIFY_PAGE,
      ]);
      for (const row of rows) {
        const broken = walk.add(auditFromPg(row));
        if (broken) return broken;
      }
      if (rows.length < VERIFY_PAGE) return walk.end();
    }
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#writer.idle();
      await this.#watch.close();
      await this.#pool.end();
    })();
    return this.#closing;
  }

  async #rows<R extends object>(text: string, values: unknown[]): Promise<R[]> {
    this.#assertOpen();
    return (await this.#pool.query<R>(text, values)).rows;
  }

  #assertOpen(): void {
    if (this.#closing) throw new ClosedError('store');
  }
}

/** A WHERE clause of filter terms with PostgreSQL's numbered placeholders (`$1`, …) for their `?`. */
function withPlaceholders(terms: readonly ApprovalFilterTerm[]): { where: string; values: unknown[] } {
  const values: unknown[] = [];
  const sql = terms.map((term) => {
    let next = 0;
    return term.sql.replace(/\?/g, () => `$${values.push(term.values[next++])}`);
  });
  return { where: sql.length ? `WHERE ${sql.join(' AND ')}` : '', values };
}
