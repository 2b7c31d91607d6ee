import type { AuditEntry, LifecycleEvent } from '../model/lifecycle-event.ts';
import type { JsonObject } from '../model/json.ts';
import { auditHash } from './audit-chain.ts';
import { type JournalRow, auditFromRow, eventFromRow } from './sqlite-rows.ts';

// The PostgreSQL tables have the SQLite columns and types (TEXT, an INTEGER revision), so the
// SQL row converters are shared; only BIGINT differs: pg returns it as a string.

export {
  APPROVAL_TASK_COLUMNS,
  approvalFromRow,
  approvalWithTaskFromRow,
  taskFromRow,
  taskToParams,
  type ApprovalRow,
  type ApprovalTaskRow,
  type JournalRow,
  type TaskRow,
} from './sqlite-rows.ts';

/** The column list of `approvals` that `approvalFromRow` reads: the record and the columns it is checked against. */
export const APPROVAL_COLUMNS = 'id, task_id, status, risk_level, action_type, created_at, expires_at, record';

/** The column list of `tasks`, in the order of `taskToParams`. */
export const TASK_COLUMNS =
  'id, state, action_type, title, agent_id, department, risk_level, approval_id, parent_task_id, idempotency_key, revision, envelope, history, quarantine_reason, created_at, updated_at';

/** A `journal` row as pg returns it. */
export interface PgJournalRow extends Omit<JournalRow, 'seq'> {
  seq: string;
}

/** The last journal entry, as `journal_head` holds it: what the next entry chains onto. */
export interface JournalHead {
  seq: number;
  hash: string;
}

/** An audit entry before it has a place in the chain. */
export interface JournalDraft {
  at: string;
  actor: string;
  type: string;
  taskId: string | null;
  approvalId: string | null;
  data: JsonObject;
}

/** A journal row as an outbox event. */
export function eventFromPg(row: PgJournalRow): LifecycleEvent {
  return eventFromRow({ ...row, seq: Number(row.seq) });
}

/** A journal row as an audit entry. */
export function auditFromPg(row: PgJournalRow): AuditEntry {
  return auditFromRow({ ...row, seq: Number(row.seq) });
}

/**
 * Places drafts after `head` in the hash chain: their rows and the new head. Pure; the caller
 * holds the `journal_head` lock, so nobody else can take these seqs.
 * @example const { rows, head: next } = chainDrafts({ seq: 0, hash: GENESIS_HASH }, drafts);
 */
export function chainDrafts(head: JournalHead, drafts: readonly JournalDraft[]): { rows: JournalRow[]; head: JournalHead } {
  let { seq, hash: prevHash } = head;
  const rows = drafts.map((draft): JournalRow => {
    seq += 1;
    const body = { seq, at: draft.at, actor: draft.actor, action: draft.type, taskId: draft.taskId, approvalId: draft.approvalId, data: draft.data };
    const hash = auditHash(prevHash, body);
    const row = { seq, at: draft.at, actor: draft.actor, type: draft.type, task_id: draft.taskId, approval_id: draft.approvalId, data: JSON.stringify(draft.data), prev_hash: prevHash, hash };
    prevHash = hash;
    return row;
  });
  return { rows, head: { seq, hash: prevHash } };
}

/** Column arrays for the one-statement `INSERT … SELECT * FROM unnest($1::bigint[], …)`. */
export function journalArrays(rows: readonly JournalRow[]): unknown[] {
  return [
    rows.map((row) => row.seq),
    rows.map((row) => row.at),
    rows.map((row) => row.actor),
    rows.map((row) => row.type),
    rows.map((row) => row.task_id),
    rows.map((row) => row.approval_id),
    rows.map((row) => row.data),
    rows.map((row) => row.prev_hash),
    rows.map((row) => row.hash),
  ];
}
