import type Database from 'better-sqlite3';
import { DuplicateIdempotencyKeyError, StaleRevisionError, TaskExistsError } from '../errors.ts';
import { autonomyAuditData } from '../model/autonomy-audit.ts';
import type { AutonomySetting } from '../model/autonomy-setting.ts';
import { type AuditBody, GENESIS_HASH, auditHash } from './audit-chain.ts';
import type { RowCommit } from './row-commit.ts';
import { taskRowParams } from './task-params.ts';
import type { CommitReceipt, TaskLease } from './task-record.ts';

/** The last journal entry: what the next one chains onto. */
interface JournalHead {
  seq: number;
  hash: string;
}

/** A journal entry as the audit chain hashes it, but its `seq` (which comes from the head). */
type JournalEntry = Omit<AuditBody, 'seq'>;

/**
 * Every write of the SQLite store, synchronous, on one connection: task commits in group-commit
 * batches, autonomy changes, lease claims and renewals. Each call is one `BEGIN IMMEDIATE`
 * transaction. It runs wherever the store's writer lives — on the store's own thread, or on a
 * writer thread (sqlite-writer-thread.ts) so that statements and fsyncs leave the event loop free.
 * @example const writes = new SqliteWrites(db); writes.commitBatch([toRowCommit(change)]);
 */
export class SqliteWrites {
  readonly #s;
  // Transactions prepared once, like the statements: each call runs one `BEGIN IMMEDIATE`.
  readonly #commitBatch: { immediate(changes: readonly RowCommit[]): Array<CommitReceipt | Error> };
  readonly #setAutonomy: { immediate(setting: AutonomySetting): number };
  readonly #claim: { immediate(ids: string[], lease: TaskLease, now: string): string[] };
  readonly #renew: { immediate(ids: string[], lease: TaskLease): string[] };

  constructor(db: Database.Database) {
    this.#s = {
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
      // An approval's task, risk, action and creation time never change: a second write sets only
      // what can (status, deadline, record), so the indexes on the others are not rewritten.
      upsertApproval: db.prepare(
        `INSERT INTO approvals (id, task_id, status, risk_level, action_type, created_at, expires_at, record)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, expires_at = excluded.expires_at, record = excluded.record`,
      ),
      lastJournal: db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1'),
      moveHead: db.prepare(
        'INSERT INTO journal_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
      ),
      insertJournal: db.prepare(
        'INSERT INTO journal (seq, at, actor, type, task_id, approval_id, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      upsertAutonomy: db.prepare(
        'INSERT INTO autonomy (scope, subject, record) VALUES (?, ?, ?) ON CONFLICT(scope, subject) DO UPDATE SET record = excluded.record',
      ),
      upsertLease: db.prepare(
        'INSERT INTO leases (task_id, owner, expires_at) VALUES (?, ?, ?) ON CONFLICT(task_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at',
      ),
      deleteLease: db.prepare('DELETE FROM leases WHERE task_id = ?'),
      claimLease: db.prepare(
        `INSERT INTO leases (task_id, owner, expires_at) VALUES (?, ?, ?) ON CONFLICT(task_id) DO UPDATE SET owner = excluded.owner,
           expires_at = excluded.expires_at WHERE leases.expires_at <= ? OR leases.owner = excluded.owner`,
      ),
      renewLease: db.prepare('UPDATE leases SET expires_at = ? WHERE task_id = ? AND owner = ?'),
    };
    const s = this.#s;
    this.#commitBatch = db.transaction((changes: readonly RowCommit[]) => this.#writeBatch(changes));
    this.#setAutonomy = db.transaction((setting: AutonomySetting) => {
      s.upsertAutonomy.run(setting.scope, setting.subject, JSON.stringify(setting));
      const entry = { at: setting.setAt, actor: setting.setBy, action: 'autonomy.changed', taskId: null, approvalId: null, data: autonomyAuditData(setting) };
      const head = this.#append(this.#journalHead(), entry);
      s.moveHead.run(head.seq, head.hash);
      return head.seq;
    });
    this.#claim = db.transaction((ids: string[], lease: TaskLease, now: string) =>
      ids.filter((id) => s.claimLease.run(id, lease.owner, lease.expiresAt, now).changes === 1),
    );
    this.#renew = db.transaction((ids: string[], lease: TaskLease) => ids.filter((id) => s.renewLease.run(lease.expiresAt, id, lease.owner).changes === 1));
  }

  /**
   * Writes task commits in one transaction, in order. A commit whose precondition fails (stale
   * revision, existing id, used idempotency key) writes nothing and gets its error in its slot;
   * any other failure throws and nothing of the batch is written.
   */
  commitBatch(changes: readonly RowCommit[]): Array<CommitReceipt | Error> {
    return this.#commitBatch.immediate(changes);
  }

  /** Stores an autonomy setting and its audit entry; returns the entry's seq. */
  setAutonomy(setting: AutonomySetting): number {
    return this.#setAutonomy.immediate(setting);
  }

  /** Takes the leases of those tasks whose lease is free (or already this owner's); returns their ids. */
  claimTasks(taskIds: readonly string[], lease: TaskLease, now: string): string[] {
    return this.#claim.immediate([...new Set(taskIds)], lease, now);
  }

  /** Extends this owner's leases; returns the ids it still held. */
  renewLeases(taskIds: readonly string[], lease: TaskLease): string[] {
    return this.#renew.immediate([...new Set(taskIds)], lease);
  }

  /** The journal's last entry, which the next one chains onto. */
  #journalHead(): JournalHead {
    const last = this.#s.lastJournal.get();
    return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** Writes one journal entry chained onto `head`; returns the new head. */
  #append(head: JournalHead, entry: JournalEntry): JournalHead {
    const seq = head.seq + 1;
    const hash = auditHash(head.hash, { seq, ...entry });
    this.#s.insertJournal.run(seq, entry.at, entry.actor, entry.action, entry.taskId, entry.approvalId, JSON.stringify(entry.data), head.hash, hash);
    return { seq, hash };
  }

  /** Runs inside the batch transaction: every commit's preconditions first, then its writes. */
  #writeBatch(changes: readonly RowCommit[]): Array<CommitReceipt | Error> {
    const s = this.#s;
    const start = this.#journalHead();
    let head = start;
    const outcomes = changes.map((change): CommitReceipt | Error => {
      const { task } = change;
      if (change.expectedRevision === null) {
        try {
          s.insertTask.run(taskRowParams(task));
        } catch (error) {
          // A constraint failure aborts only this statement; the batch goes on.
          if (s.taskRevision.get(task.id)) return new TaskExistsError(task.id);
          const holder = task.idempotency_key === null ? undefined : s.taskByKey.get(task.agent_id, task.idempotency_key);
          if (holder) return new DuplicateIdempotencyKeyError(holder.id);
          throw error;
        }
      } else {
        const updated = s.updateTask.run(
          task.state,
          task.risk_level,
          task.approval_id,
          task.revision,
          task.envelope,
          task.history,
          task.quarantine_reason,
          task.updated_at,
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
        s.upsertApproval.run(a.id, a.task_id, a.status, a.risk_level, a.action_type, a.created_at, a.expires_at, a.record);
      }
      const eventIds: number[] = [];
      for (const event of change.events) {
        head = this.#append(head, { at: event.at, actor: event.actor, action: event.type, taskId: event.taskId, approvalId: event.approvalId ?? null, data: event.data ?? {} });
        eventIds.push(head.seq);
      }
      return { eventIds };
    });
    // Once per transaction, not per entry: the head apart from the chain (migration 6).
    if (head.seq !== start.seq) s.moveHead.run(head.seq, head.hash);
    return outcomes;
  }
}
