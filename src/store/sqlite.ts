import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { ClosedError, DuplicateIdempotencyKeyError, StaleRevisionError, TaskExistsError } from '../errors.ts';
import type { Approval } from '../model/approval.ts';
import type { AuditEntry, LifecycleEvent } from '../model/lifecycle-event.ts';
import { AutonomySetting, autonomyAuditData } from '../model/autonomy-setting.ts';
import type { TaskState } from '../model/task-state.ts';
import { GENESIS_HASH, auditHash, verifyChain } from './audit-chain.ts';
import { migrateSqlite } from './sqlite-schema.ts';
import { type ApprovalRow, type JournalRow, type TaskRow, approvalFromRow, auditFromRow, eventFromRow, taskFromRow, taskToParams } from './sqlite-rows.ts';
import type { ApprovalQuery, Store, TaskQuery } from './store.ts';
import type { CommitReceipt, TaskCommit, TaskLease, TaskRecord } from './task-record.ts';

/** Options for the embedded SQLite store. */
export interface SqliteStoreOptions {
  /** The database file (created if missing). */
  path: string;
  /**
   * `FULL` (default): a commit survives power loss. `NORMAL`: survives a process crash, not
   * power loss; faster. Group commit amortises the fsync either way.
   */
  synchronous?: 'FULL' | 'NORMAL';
  logger?: Logger;
}

interface Pending {
  change: TaskCommit;
  resolve(receipt: CommitReceipt): void;
  reject(error: unknown): void;
}

/**
 * Opens (creating or migrating) the embedded SQLite store: better-sqlite3, WAL, prepared
 * statements, and group commit — all commits queued in one turn of the event loop share one
 * `BEGIN IMMEDIATE` transaction, and none resolves before its COMMIT.
 * @example const store = await openSqliteStore({ path: './tollgate.db' });
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  return new SqliteStore(options);
}

class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly shared = false;
  #db: Database.Database;
  #queue: Pending[] = [];
  #flushScheduled = false;
  #closed = false;
  #statements;
  #batch: (batch: Pending[]) => Array<CommitReceipt | Error>;

  constructor(options: SqliteStoreOptions) {
    const db = new Database(options.path);
    this.#db = db;
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('busy_timeout = 10000');
    db.pragma('foreign_keys = ON');
    migrateSqlite(db);
    this.#statements = {
      taskRevision: db.prepare<[string], { revision: number }>('SELECT revision FROM tasks WHERE id = ?'),
      taskByKey: db.prepare<[string, string], { id: string }>('SELECT id FROM tasks WHERE agent_id = ? AND idempotency_key = ?'),
      insertTask: db.prepare(
        `INSERT INTO tasks (id, state, action_type, title, agent_id, department, risk_level, approval_id, parent_task_id,
           idempotency_key, revision, envelope, history, quarantine_reason, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // Compare-and-set in one statement: no row changes unless the revision is the expected one.
      updateTask: db.prepare(
        `UPDATE tasks SET state = ?, risk_level = ?, approval_id = ?, revision = ?, envelope = ?, history = ?,
           quarantine_reason = ?, updated_at = ?
         WHERE id = ? AND revision = ?`,
      ),
      upsertApproval: db.prepare(
        `INSERT INTO approvals (id, task_id, status, risk_level, action_type, created_at, expires_at, record)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET task_id = excluded.task_id, status = excluded.status, risk_level = excluded.risk_level,
           action_type = excluded.action_type, created_at = excluded.created_at, expires_at = excluded.expires_at, record = excluded.record`,
      ),
      lastJournal: db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1'),
      insertJournal: db.prepare(
        'INSERT INTO journal (seq, at, actor, type, task_id, approval_id, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      getTask: db.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE id = ?'),
      getTaskByKey: db.prepare<[string, string], TaskRow>('SELECT * FROM tasks WHERE agent_id = ? AND idempotency_key = ?'),
      getApproval: db.prepare<[string], ApprovalRow>('SELECT * FROM approvals WHERE id = ?'),
      dueApprovals: db.prepare<[string, number], ApprovalRow>(
        `SELECT * FROM approvals WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at, id LIMIT ?`,
      ),
      readEvents: db.prepare<[number, number], JournalRow>('SELECT * FROM journal WHERE seq > ? AND task_id IS NOT NULL ORDER BY seq LIMIT ?'),
      upsertAutonomy: db.prepare(
        'INSERT INTO autonomy (scope, subject, record) VALUES (?, ?, ?) ON CONFLICT(scope, subject) DO UPDATE SET record = excluded.record',
      ),
      upsertLease: db.prepare('INSERT INTO leases (task_id, owner, expires_at) VALUES (?, ?, ?) ON CONFLICT(task_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at'),
      deleteLease: db.prepare('DELETE FROM leases WHERE task_id = ?'),
      claimLease: db.prepare(
        `INSERT INTO leases (task_id, owner, expires_at) VALUES (?, ?, ?) ON CONFLICT(task_id) DO UPDATE SET owner = excluded.owner,
           expires_at = excluded.expires_at WHERE leases.expires_at <= ? OR leases.owner = excluded.owner`,
      ),
      renewLease: db.prepare('UPDATE leases SET expires_at = ? WHERE task_id = ? AND owner = ?'),
      allAutonomy: db.prepare<[], { record: string }>('SELECT record FROM autonomy ORDER BY scope, subject'),
      lastEventId: db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM journal'),
      allJournal: db.prepare<[], JournalRow>('SELECT * FROM journal ORDER BY seq'),
    };
    this.#batch = db.transaction((batch: Pending[]) => this.#writeBatch(batch)) as unknown as (batch: Pending[]) => Array<
      CommitReceipt | Error
    >;
    options.logger?.debug({ path: options.path }, 'sqlite store opened');
  }

  commit(change: TaskCommit): Promise<CommitReceipt> {
    if (this.#closed) return Promise.reject(new ClosedError('store'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ change, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    let outcomes: Array<CommitReceipt | Error>;
    try {
      outcomes = (this.#batch as unknown as { immediate(batch: Pending[]): Array<CommitReceipt | Error> }).immediate(batch);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => {
      const outcome = outcomes[index];
      if (outcome instanceof Error) pending.reject(outcome);
      else pending.resolve(outcome as CommitReceipt);
    });
  }

  /** Runs inside the batch transaction: every commit's preconditions first, then its writes. */
  #writeBatch(batch: Pending[]): Array<CommitReceipt | Error> {
    const s = this.#statements;
    const last = s.lastJournal.get();
    let seq = last?.seq ?? 0;
    let prevHash = last?.hash ?? GENESIS_HASH;
    return batch.map(({ change }) => {
      const { task } = change;
      if (change.expectedRevision === null) {
        try {
          s.insertTask.run(taskToParams(task));
        } catch (error) {
          // A constraint failure aborts only this statement; the batch goes on.
          if (s.taskRevision.get(task.id)) return new TaskExistsError(task.id);
          const holder = task.idempotencyKey === null ? undefined : s.taskByKey.get(task.agentId, task.idempotencyKey);
          if (holder) return new DuplicateIdempotencyKeyError(holder.id);
          throw error;
        }
      } else {
        const updated = s.updateTask.run(
          task.state,
          task.riskLevel,
          task.approvalId,
          task.revision,
          task.envelope,
          JSON.stringify(task.history),
          task.quarantineReason,
          task.updatedAt,
          task.id,
          change.expectedRevision,
        );
        if (updated.changes !== 1) {
          return new StaleRevisionError(task.id, change.expectedRevision, s.taskRevision.get(task.id)?.revision ?? null);
        }
      }
      if (change.lease === null) s.deleteLease.run(task.id);
      else if (change.lease) s.upsertLease.run(task.id, change.lease.owner, change.lease.expiresAt);
      if (change.approval) {
        const a = change.approval;
        s.upsertApproval.run(a.id, a.taskId, a.status, a.riskLevel, a.actionType, a.createdAt, a.expiresAt, JSON.stringify(a));
      }
      const eventIds: number[] = [];
      for (const event of change.events) {
        seq += 1;
        const approvalId = event.approvalId ?? null;
        const data = event.data ?? {};
        const hash = auditHash(prevHash, { seq, at: event.at, actor: event.actor, action: event.type, taskId: event.taskId, approvalId, data });
        s.insertJournal.run(seq, event.at, event.actor, event.type, event.taskId, approvalId, JSON.stringify(data), prevHash, hash);
        prevHash = hash;
        eventIds.push(seq);
      }
      return { eventIds };
    });
  }

  async getTask(id: string): Promise<TaskRecord | null> {
    const row = this.#open().getTask.get(id);
    return row ? taskFromRow(row) : null;
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

  async listTasksInStates(states: readonly TaskState[], limit: number): Promise<TaskRecord[]> {
    this.#open();
    if (states.length === 0) return [];
    const rows = this.#db
      .prepare<unknown[], TaskRow>(`SELECT * FROM tasks WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY id LIMIT ?`)
      .all(...states, limit);
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

  async listApprovals(query: ApprovalQuery): Promise<{ items: Approval[]; total: number }> {
    this.#open();
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [column, value] of [
      ['status', query.status],
      ['risk_level', query.riskLevel],
      ['action_type', query.actionType],
    ] as const) {
      if (value !== undefined) {
        where.push(`${column} = ?`);
        params.push(value);
      }
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // approval_counts has the same filter columns, a few rows in all (kept by triggers).
    const total = this.#db.prepare<unknown[], { n: number }>(`SELECT COALESCE(SUM(n), 0) AS n FROM approval_counts ${filter}`).get(...params)?.n ?? 0;
    const rows = this.#db
      .prepare<unknown[], ApprovalRow>(`SELECT * FROM approvals ${filter} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...params, query.limit, query.offset);
    return { items: rows.map(approvalFromRow), total };
  }

  async listDueApprovals(now: string, limit: number): Promise<Approval[]> {
    return this.#open()
      .dueApprovals.all(now, limit)
      .map(approvalFromRow);
  }

  async setAutonomy(setting: AutonomySetting): Promise<{ seq: number }> {
    const s = this.#open();
    // Pending task commits go first, so the chain's order is the order things were acknowledged.
    this.#flush();
    const write = this.#db.transaction(() => {
      s.upsertAutonomy.run(setting.scope, setting.subject, JSON.stringify(setting));
      const last = s.lastJournal.get();
      const seq = (last?.seq ?? 0) + 1;
      const prevHash = last?.hash ?? GENESIS_HASH;
      const data = autonomyAuditData(setting);
      const hash = auditHash(prevHash, { seq, at: setting.setAt, actor: setting.setBy, action: 'autonomy.changed', taskId: null, approvalId: null, data });
      s.insertJournal.run(seq, setting.setAt, setting.setBy, 'autonomy.changed', null, null, JSON.stringify(data), prevHash, hash);
      return seq;
    });
    return { seq: write.immediate() };
  }

  async claimTasks(taskIds: readonly string[], lease: TaskLease, now: string): Promise<string[]> {
    const s = this.#open();
    const claim = this.#db.transaction((ids: string[]) =>
      ids.filter((id) => s.claimLease.run(id, lease.owner, lease.expiresAt, now).changes === 1),
    );
    return claim.immediate([...new Set(taskIds)]);
  }

  async renewLeases(taskIds: readonly string[], lease: TaskLease): Promise<string[]> {
    const s = this.#open();
    const renew = this.#db.transaction((ids: string[]) => ids.filter((id) => s.renewLease.run(lease.expiresAt, id, lease.owner).changes === 1));
    return renew.immediate([...new Set(taskIds)]);
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

  async verifyAudit() {
    const rows = this.#open().allJournal.iterate();
    return verifyChain((function* () {
      for (const row of rows) yield auditFromRow(row);
    })());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#flush();
    this.#db.close();
  }

  #open() {
    if (this.#closed) throw new ClosedError('store');
    return this.#statements;
  }
}
