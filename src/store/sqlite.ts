import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { ClosedError, ValidationError } from '../errors.ts';
import type { Approval } from '../model/approval.ts';
import type { AuditAnchor } from '../model/audit-anchor.ts';
import type { AuditEntry, LifecycleEvent } from '../model/lifecycle-event.ts';
import { AutonomySetting } from '../model/autonomy-setting.ts';
import type { TaskState } from '../model/task-state.ts';
import { ChainWalk, GENESIS_HASH } from './audit-chain.ts';
import { type SqliteSynchronous, configureSqliteConnection } from './sqlite-pragmas.ts';
import {
  APPROVAL_TASK_COLUMNS,
  type ApprovalRow,
  type JournalRow,
  type TaskRow,
  approvalFromRow,
  approvalWithTaskFromValues,
  auditFromRow,
  eventFromRow,
  TASK_ROW_COLUMNS,
  taskFromRow,
  taskFromValues,
} from './sqlite-rows.ts';
import { checkSqliteDirectory, sqliteOpenError } from './sqlite-open-errors.ts';
import { refuseALostWriteAheadLog } from './sqlite-lost-log.ts';
import { type OwnerLock, takeOwnerLock } from './sqlite-owner-lock.ts';
import { SQLITE_DUE_APPROVALS, SQLITE_MIGRATIONS, migrateSqlite } from './sqlite-schema.ts';
import { InlineSqliteWriter, ReadOnlyWriter, type SqliteWriter } from './sqlite-writer.ts';
import { ThreadSqliteWriter } from './sqlite-writer-client.ts';
import { type ApprovalFilterTerm, approvalFilterTerms, readSegments, readsPendingByUrgency } from './approval-order-sql.ts';
import { pendingByRisk } from './pending-summary.ts';
import type { ApprovalQuery, ApprovalWithTask, PendingApprovalSummary, Store, TaskQuery } from './store.ts';
import { SqliteStoreOptionsSchema, checkStoreOptions } from './store-options.ts';
import type { CommitReceipt, TaskCommit, TaskLease, TaskRecord } from './task-record.ts';

/** Journal entries per page when `verifyAudit` walks the chain (~10–20 ms of hashing each). */
const VERIFY_PAGE = 500;

/** Options for the embedded SQLite store. */
export interface SqliteStoreOptions {
  /** The database file (created if missing). */
  path: string;
  /**
   * `FULL` (default): a commit survives power loss. `NORMAL`: survives a process crash, not
   * power loss; faster. Group commit amortises the fsync either way.
   */
  synchronous?: SqliteSynchronous;
  /**
   * Where writes run. `auto` (default): on the process's SQLite writer thread, with its own
   * connection, while writes are outstanding there (under load: statements and fsyncs off the
   * event loop, overlapping with the tasks); on this thread when it is quiet (lower latency).
   * `thread`: always on the writer thread. `inline`: always on this thread.
   */
  writer?: 'auto' | 'thread' | 'inline';
  /**
   * For tools that only read, beside a running server (policy replay, audit verify): the file
   * must exist and its schema be current; no owner lock is taken (the server holds it), nothing
   * is migrated, and every write is refused. WAL lets it read while the server writes.
   */
  readOnly?: boolean;
  logger?: Logger;
}

/**
 * Opens (creating or migrating) the embedded SQLite store: better-sqlite3, WAL, prepared
 * statements, and group commit — the commits that arrive while a batch is being written share
 * the next `BEGIN IMMEDIATE` transaction, and none resolves before its COMMIT. Writes run on a
 * writer thread by default (`writer: 'thread'`), so statements and fsyncs do not hold up the
 * event loop; reads run here, on a connection of their own (WAL: readers never wait for the writer).
 * @example const store = await openSqliteStore({ path: './tollgate.db' });
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  checkStoreOptions(SqliteStoreOptionsSchema, options, 'SQLite store options (openSqliteStore({ path }))');
  if (options.readOnly) return openReadOnly(options.path);
  const synchronous = options.synchronous ?? 'FULL';
  checkSqliteDirectory(options.path);
  let owner: OwnerLock;
  try {
    owner = takeOwnerLock(options.path);
  } catch (error) {
    throw sqliteOpenError(options.path, error);
  }
  let db: Database.Database | undefined;
  try {
    // Under the owner lock (no server is writing the log meanwhile), before SQLite opens the file.
    refuseALostWriteAheadLog(options.path);
    db = configureSqliteConnection(new Database(options.path), synchronous);
    const from = db.pragma('user_version', { simple: true }) as number;
    const to = migrateSqlite(db);
    // One way (an older Tollgate refuses the newer schema): worth a line whenever it happens.
    if (from > 0 && from !== to) options.logger?.info({ path: options.path, from, to }, `migrated the sqlite store from schema ${from} to ${to}`);
    const mode = options.writer ?? 'auto';
    const writer = mode === 'inline' ? new InlineSqliteWriter(db) : await ThreadSqliteWriter.open(db, options.path, synchronous, { always: mode === 'thread' });
    options.logger?.debug({ path: options.path, writer: mode }, 'sqlite store opened');
    return new SqliteStore(db, writer, owner);
  } catch (error) {
    db?.close();
    owner.release();
    throw sqliteOpenError(options.path, error);
  }
}

function openReadOnly(path: string): Store {
  refuseALostWriteAheadLog(path);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new ValidationError(`${path}: cannot open the database to read it: ${(error as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 10000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== SQLITE_MIGRATIONS.length) {
      throw new ValidationError(
        `${path} has schema version ${version} and this Tollgate reads version ${SQLITE_MIGRATIONS.length}: ${version < SQLITE_MIGRATIONS.length ? 'open it once with tollgate serve or tollgate migrate (they migrate it) first' : 'use the Tollgate that wrote it'}`,
      );
    }
  } catch (error) {
    db.close();
    throw error;
  }
  // No owner lock: the server that owns the file may be running, and a reader does not compete.
  return new SqliteStore(db, new ReadOnlyWriter(path), { path: `${path}-lock`, release: () => undefined });
}

class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly shared = false;
  #db: Database.Database;
  #writer: SqliteWriter;
  readonly #owner: OwnerLock;
  #closed = false;
  #statements;

  constructor(db: Database.Database, writer: SqliteWriter, owner: OwnerLock) {
    this.#db = db;
    this.#writer = writer;
    this.#owner = owner;
    this.#statements = {
      // The hot reads return arrays (raw): see taskFromValues.
      getTask: db.prepare<[string], unknown[]>(`SELECT ${TASK_ROW_COLUMNS.join(', ')} FROM tasks WHERE id = ?`).raw(true),
      getTaskByKey: db.prepare<[string, string], TaskRow>('SELECT * FROM tasks WHERE agent_id = ? AND idempotency_key = ?'),
      getApproval: db.prepare<[string], ApprovalRow>('SELECT * FROM approvals WHERE id = ?'),
      getApprovalWithTask: db
        .prepare<[string], unknown[]>(`SELECT ${APPROVAL_TASK_COLUMNS} FROM approvals a LEFT JOIN tasks t ON t.id = a.task_id WHERE a.id = ?`)
        .raw(true),
      dueApprovals: db.prepare<[string, number], ApprovalRow>(SQLITE_DUE_APPROVALS),
      readEvents: db.prepare<[number, number], JournalRow>('SELECT * FROM journal WHERE seq > ? AND task_id IS NOT NULL ORDER BY seq LIMIT ?'),
      allAutonomy: db.prepare<[], { record: string }>('SELECT record FROM autonomy ORDER BY scope, subject'),
      lastEventId: db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM journal'),
      journalHead: db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM journal_head WHERE id = 1'),
      journalPage: db.prepare<[number, number], JournalRow>('SELECT * FROM journal WHERE seq > ? ORDER BY seq LIMIT ?'),
      // A few rows (kept by triggers), and one entry of (status, created_at, id): never a scan.
      pendingByRisk: db.prepare<[], { risk_level: string; n: number }>(
        "SELECT risk_level, SUM(n) AS n FROM approval_counts WHERE status = 'pending' GROUP BY risk_level",
      ),
      oldestPending: db.prepare<[], { created_at: string }>(
        "SELECT created_at FROM approvals INDEXED BY approvals_status_newest WHERE status = 'pending' ORDER BY created_at LIMIT 1",
      ),
    };
  }

  commit(change: TaskCommit): Promise<CommitReceipt> {
    if (this.#closed) return Promise.reject(new ClosedError('store'));
    return this.#writer.commit(change);
  }

  async getTask(id: string): Promise<TaskRecord | null> {
    const values = this.#open().getTask.get(id);
    return values ? taskFromValues(values) : null;
  }

  async findTaskByIdempotencyKey(agentId: string, key: string): Promise<TaskRecord | null> {
    const row = this.#open().getTaskByKey.get(agentId, key);
    return row ? taskFromRow(row) : null;
  }

  async listTasks(query: TaskQuery): Promise<{ items: TaskRecord[]; nextCursor: string | null }> {
    this.#open();
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.state !== undefined) {
      where.push('state = ?');
      params.push(query.state);
    }
    if (query.cursor !== undefined) {
      where.push('id < ?');
      params.push(query.cursor);
    }
    const sql = `SELECT * FROM tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.#db.prepare<unknown[], TaskRow>(sql).all(...params, query.limit + 1);
    const items = rows.slice(0, query.limit).map(taskFromRow);
    return { items, nextCursor: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null };
  }

  async listTasksInStates(states: readonly TaskState[], limit: number, options: { leaseFreeAt?: string } = {}): Promise<TaskRecord[]> {
    this.#open();
    if (states.length === 0) return [];
    const inStates = `t.state IN (${states.map(() => '?').join(', ')})`;
    const rows =
      options.leaseFreeAt === undefined
        ? this.#db.prepare<unknown[], TaskRow>(`SELECT t.* FROM tasks t WHERE ${inStates} ORDER BY t.id LIMIT ?`).all(...states, limit)
        : this.#db
            .prepare<unknown[], TaskRow>(
              `SELECT t.* FROM tasks t LEFT JOIN leases l ON l.task_id = t.id
               WHERE ${inStates} AND (l.task_id IS NULL OR l.expires_at <= ?) ORDER BY t.id LIMIT ?`,
            )
            .all(...states, options.leaseFreeAt, limit);
    return rows.map(taskFromRow);
  }

  async listReroutesWithoutAlternative(limit: number): Promise<TaskRecord[]> {
    this.#open();
    const rows = this.#db
      .prepare<[number], TaskRow>(
        `SELECT t.* FROM tasks t LEFT JOIN tasks a ON a.id = t.id || '-alt' WHERE t.state = 'rerouted' AND a.id IS NULL ORDER BY t.id LIMIT ?`,
      )
      .all(limit);
    return rows.map(taskFromRow);
  }

  async getApproval(id: string): Promise<Approval | null> {
    const row = this.#open().getApproval.get(id);
    return row ? approvalFromRow(row) : null;
  }
  async getApprovalWithTask(approvalId: string): Promise<ApprovalWithTask | null> {
    const values = this.#open().getApprovalWithTask.get(approvalId);
    return values ? approvalWithTaskFromValues(values) : null;
  }


  async listApprovals(query: ApprovalQuery): Promise<{ items: Approval[]; total: number }> {
    this.#open();
    const where = (terms: ApprovalFilterTerm[]) => (terms.length ? `WHERE ${terms.map((term) => term.sql).join(' AND ')}` : '');
    const values = (terms: ApprovalFilterTerm[]) => terms.flatMap((term) => term.values);
    // approval_counts has the same filter columns, a few rows in all (kept by triggers).
    const counted = approvalFilterTerms(query, { forRows: false });
    const total =
      this.#db.prepare<unknown[], { n: number }>(`SELECT COALESCE(SUM(n), 0) AS n FROM approval_counts ${where(counted)}`).get(...values(counted))?.n ?? 0;
    const listed = approvalFilterTerms(query, { forRows: true });
    // Named: without statistics SQLite prefers seeking approvals_status_newest and sorting every
    // pending approval to reading the partial index, which holds only those, already in order.
    const source = readsPendingByUrgency(query) ? 'approvals INDEXED BY approvals_pending_urgency' : 'approvals';
    const rows = await readSegments(query, 'sqlite', (segment, limit, offset) => {
      const terms = [...listed, ...segment.terms];
      return this.#db
        .prepare<unknown[], ApprovalRow>(`SELECT * FROM ${source} ${where(terms)} ORDER BY ${segment.orderBy} LIMIT ? OFFSET ?`)
        .all(...values(terms), limit, offset);
    });
    return { items: rows.map(approvalFromRow), total };
  }

  async pendingApprovalSummary(): Promise<PendingApprovalSummary> {
    const statements = this.#open();
    const counts = statements.pendingByRisk.all();
    const oldest = statements.oldestPending.get();
    return { byRisk: pendingByRisk(counts), oldestCreatedAt: oldest?.created_at ?? null };
  }

  async listDueApprovals(now: string, limit: number): Promise<Approval[]> {
    return this.#open()
      .dueApprovals.all(now, limit)
      .map(approvalFromRow);
  }

  async setAutonomy(setting: AutonomySetting): Promise<{ seq: number }> {
    this.#open();
    return { seq: await this.#writer.setAutonomy(setting) };
  }

  async claimTasks(taskIds: readonly string[], lease: TaskLease, now: string): Promise<string[]> {
    this.#open();
    return this.#writer.claimTasks(taskIds, lease, now);
  }

  async renewLeases(taskIds: readonly string[], lease: TaskLease): Promise<string[]> {
    this.#open();
    return this.#writer.renewLeases(taskIds, lease);
  }

  async listAutonomy(): Promise<AutonomySetting[]> {
    return this.#open()
      .allAutonomy.all()
      .map((row) => AutonomySetting.parse(JSON.parse(row.record)));
  }

  async readEvents(afterId: number, limit: number): Promise<LifecycleEvent[]> {
    return this.#open().readEvents.all(afterId, limit).map(eventFromRow);
  }

  async lastEventId(): Promise<number> {
    return this.#open().lastEventId.get()?.seq ?? 0;
  }

  async readAudit(query: { taskId?: string; afterSeq?: number; limit?: number }): Promise<AuditEntry[]> {
    this.#open();
    const where = ['seq > ?'];
    const params: unknown[] = [query.afterSeq ?? 0];
    if (query.taskId !== undefined) {
      where.push('task_id = ?');
      params.push(query.taskId);
    }
    const rows = this.#db
      .prepare<unknown[], JournalRow>(`SELECT * FROM journal WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
      .all(...params, query.limit ?? -1);
    return rows.map(auditFromRow);
  }

  async verifyAudit(anchors: readonly AuditAnchor[] = []) {
    // The head first: what it names was committed before the chain is read.
    const head = this.#open().journalHead.get();
    const walk = new ChainWalk(head ?? { seq: 0, hash: GENESIS_HASH }, anchors);
    // Page by page, back to the event loop after each: better-sqlite3 reads synchronously, and a
    // walk of the whole chain at once held every request, decision and stream of the server
    // (39 s at a million entries). Entries are only ever appended, so pages read apart still
    // make one chain.
    for (let after = 0; ; ) {
      const rows = this.#open().journalPage.all(after, VERIFY_PAGE);
      for (const row of rows) {
        const broken = walk.add(auditFromRow(row));
        if (broken) return broken;
      }
      if (rows.length < VERIFY_PAGE) return walk.end();
      after = (rows[rows.length - 1] as JournalRow).seq;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#writer.close();
    } finally {
      this.#db.close();
      this.#owner.release();
    }
  }

  #open() {
    if (this.#closed) throw new ClosedError('store');
    return this.#statements;
  }
}
