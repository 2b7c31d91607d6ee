import type { QueryConfig } from 'pg';
import { DuplicateIdempotencyKeyError, StaleRevisionError, TaskExistsError } from '../errors.ts';
import type { Approval } from '../model/approval.ts';
import { type AutonomySetting, autonomyAuditData } from '../model/autonomy-setting.ts';
import { copyJson } from '../util/canonical-json.ts';
import { type JournalDraft, TASK_COLUMNS, journalArrays, taskToParams } from './postgres-rows.ts';
import type { PostgresTables } from './postgres-schema.ts';
import type { StoreWrite } from './postgres-writer.ts';
import type { CommitReceipt, TaskCommit } from './task-record.ts';

/** Unique-violation SQLSTATE. */
const UNIQUE_VIOLATION = '23505';

/** The statements of the writes, for one schema; named, so each connection prepares them once. */
export interface WriteStatements {
  insertCommit(values: unknown[]): QueryConfig;
  updateCommit(values: unknown[]): QueryConfig;
  taskByKey(values: unknown[]): QueryConfig;
  upsertAutonomy(values: unknown[]): QueryConfig;
  appendJournal(values: unknown[]): QueryConfig;
}

/**
 * Builds the write statements of a schema. A task commit is ONE statement (one round trip):
 * the task's INSERT or compare-and-set UPDATE, then — only if that wrote its row — the approval
 * upsert, the journal rows and the lease (taken or released), as data-modifying CTEs. It returns how many task rows it wrote
 * and the revision stored before it (which a failed compare-and-set reports).
 * @example const sql = writeStatements(postgresTables('public'));
 */
export function writeStatements(t: PostgresTables): WriteStatements {
  const named = (name: string, text: string) => (values: unknown[]) => ({ name: `tollgate_${name}`, text, values });
  // $1…$8 approval (all NULL when the commit has none), $9…$17 journal column arrays; the task's
  // come after, then the lease's three: what to do ('set', 'clear' or NULL), owner, expiry.
  const leaseOf = (taskId: string, first: number) => `
    lease_set AS (
      INSERT INTO ${t.leases} (task_id, owner, expires_at) SELECT ${taskId}, $${first + 1}::text, $${first + 2}::text
      WHERE $${first}::text = 'set' AND EXISTS (SELECT 1 FROM task)
      ON CONFLICT (task_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
    ),
    lease_clear AS (DELETE FROM ${t.leases} WHERE $${first}::text = 'clear' AND task_id = ${taskId} AND EXISTS (SELECT 1 FROM task))`;
  const approvalAndJournal = `
    approval AS (
      INSERT INTO ${t.approvals} (id, task_id, status, risk_level, action_type, created_at, expires_at, record)
      SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text
      WHERE $1::text IS NOT NULL AND EXISTS (SELECT 1 FROM task)
      ON CONFLICT (id) DO UPDATE SET task_id = excluded.task_id, status = excluded.status, risk_level = excluded.risk_level,
        action_type = excluded.action_type, created_at = excluded.created_at, expires_at = excluded.expires_at, record = excluded.record
    ),
    journal AS (${journalInsert(t, 9)} WHERE EXISTS (SELECT 1 FROM task))`;
  return {
    insertCommit: named(
      'insert_commit',
      `WITH task AS (INSERT INTO ${t.tasks} (${TASK_COLUMNS}) VALUES (${placeholders(18, 16)}) RETURNING 1), ${approvalAndJournal},
       ${leaseOf('$18::text', 34)}
       SELECT (SELECT count(*) FROM task)::int AS written, NULL::int AS stored`,
    ),
    updateCommit: named(
      'update_commit',
      `WITH task AS (
         UPDATE ${t.tasks} SET state = $18, risk_level = $19, approval_id = $20, revision = $21, envelope = $22, history = $23,
           quarantine_reason = $24, updated_at = $25
         WHERE id = $26 AND revision = $27 RETURNING 1
       ), ${approvalAndJournal},
       ${leaseOf('$26::text', 28)}
       SELECT (SELECT count(*) FROM task)::int AS written, (SELECT revision FROM ${t.tasks} WHERE id = $26) AS stored`,
    ),
    taskByKey: named('task_by_key', `SELECT id FROM ${t.tasks} WHERE agent_id = $1 AND idempotency_key = $2`),
    upsertAutonomy: named(
      'upsert_autonomy',
      `INSERT INTO ${t.autonomy} (scope, subject, record) VALUES ($1, $2, $3)
       ON CONFLICT (scope, subject) DO UPDATE SET record = excluded.record`,
    ),
    appendJournal: named('append_journal', journalInsert(t, 1)),
  };
}

/**
 * One task transition as a write: the task row (insert, or compare-and-set on its revision),
 * its approval (upsert) and its events (journal), in one statement. Values are captured now,
 * so the caller may reuse its objects once `commit` returned.
 * @example const receipt = await writer.submit(taskCommitWrite(sql, { task, expectedRevision: null, events }));
 */
export function taskCommitWrite(sql: WriteStatements, change: TaskCommit): StoreWrite<CommitReceipt> {
  const { task, expectedRevision } = change;
  const lease = change.lease ? { owner: change.lease.owner, expiresAt: change.lease.expiresAt } : change.lease;
  const leaseValues = lease === undefined ? [null, null, null] : lease === null ? ['clear', null, null] : ['set', lease.owner, lease.expiresAt];
  const taskValues =
    expectedRevision === null
      ? taskToParams(task)
      : [task.state, task.riskLevel, task.approvalId, task.revision, task.envelope, JSON.stringify(task.history), task.quarantineReason, task.updatedAt, task.id, expectedRevision];
  const approval = change.approval ? approvalParams(change.approval) : null;
  const approvalValues = approval ?? Array.from({ length: 8 }, () => null);
  const drafts = change.events.map(
    (event): JournalDraft => ({
      at: event.at,
      actor: event.actor,
      type: event.type,
      taskId: event.taskId,
      approvalId: event.approvalId ?? null,
      data: event.data ? copyJson(event.data) : {},
    }),
  );
  const statement = expectedRevision === null ? sql.insertCommit : sql.updateCommit;
  return {
    taskCommit: { taskId: task.id, expectedRevision, taskValues, approvalValues: approval, drafts, lease },
    async apply(tx) {
      const entries = tx.chain(drafts);
      const { rows } = await tx.client.query<{ written: number; stored: number | null }>(
        statement([...approvalValues, ...journalArrays(entries.rows), ...taskValues, ...leaseValues]),
      );
      // Nothing was written: the compare-and-set found another revision (or no task).
      if (expectedRevision !== null && rows[0]?.written !== 1) throw new StaleRevisionError(task.id, expectedRevision, rows[0]?.stored ?? null);
      return { eventIds: entries.accept() };
    },
    async explain(error, tx) {
      // Only the task insert can break a task constraint; anything else is reported as it is.
      if (!isUniqueViolation(error)) return error;
      if (error.constraint === 'tasks_pkey') return new TaskExistsError(task.id);
      if (error.constraint === 'tasks_idempotency' && task.idempotencyKey !== null) {
        const holder = await tx.client.query<{ id: string }>(sql.taskByKey([task.agentId, task.idempotencyKey]));
        if (holder.rows[0]) return new DuplicateIdempotencyKeyError(holder.rows[0].id);
      }
      return error;
    },
  };
}

/**
 * An autonomy change as a write: the level (replacing the one of the same scope and subject)
 * and its `autonomy.changed` audit entry, which has no task.
 * @example const { seq } = await writer.submit(autonomyWrite(sql, setting));
 */
export function autonomyWrite(sql: WriteStatements, setting: AutonomySetting): StoreWrite<{ seq: number }> {
  const row = sql.upsertAutonomy([setting.scope, setting.subject, JSON.stringify(setting)]);
  const draft: JournalDraft = { at: setting.setAt, actor: setting.setBy, type: 'autonomy.changed', taskId: null, approvalId: null, data: autonomyAuditData(setting) };
  return {
    async apply(tx) {
      await tx.client.query(row);
      const entries = tx.chain([draft]);
      await tx.client.query(sql.appendJournal(journalArrays(entries.rows)));
      return { seq: entries.accept()[0] as number };
    },
  };
}

function approvalParams(approval: Approval): unknown[] {
  const { id, taskId, status, riskLevel, actionType, createdAt, expiresAt } = approval;
  return [id, taskId, status, riskLevel, actionType, createdAt, expiresAt, JSON.stringify(approval)];
}

/** `INSERT INTO journal … SELECT * FROM unnest(…)` over nine column arrays starting at `$first`. */
function journalInsert(t: PostgresTables, first: number): string {
  const types = ['bigint', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'];
  const arrays = types.map((type, index) => `$${first + index}::${type}[]`).join(', ');
  return `INSERT INTO ${t.journal} (seq, at, actor, type, task_id, approval_id, data, prev_hash, hash) SELECT * FROM unnest(${arrays})`;
}

function placeholders(first: number, count: number): string {
  return Array.from({ length: count }, (_, index) => `$${first + index}`).join(', ');
}

/** A PostgreSQL unique violation (pg's DatabaseError, matched by shape rather than class). */
function isUniqueViolation(error: unknown): error is { code: string; constraint?: string } {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION;
}
