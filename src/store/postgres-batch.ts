import type { PoolClient, QueryConfig } from 'pg';
import { StaleRevisionError } from '../errors.ts';
import { type JournalDraft, type JournalHead, TASK_COLUMNS, chainDrafts, journalArrays } from './postgres-rows.ts';
import { JOURNAL_CHANNEL, type PostgresTables } from './postgres-schema.ts';
import type { CommitReceipt } from './task-record.ts';

/** A task commit's values, captured when it was submitted (see `taskCommitWrite`). */
export interface CapturedTaskCommit {
  taskId: string;
  /** Null for a new task (an INSERT); otherwise the compare-and-set's revision. */
  expectedRevision: number | null;
  /** `taskToParams` for an insert; the UPDATE's ten values (`updateParams`) otherwise. */
  taskValues: unknown[];
  /** The approval's eight column values, or null when the commit carries none. */
  approvalValues: unknown[] | null;
  drafts: JournalDraft[];
  /** The lease to take, `null` to release it, `undefined` to leave it. */
  lease: { owner: string; expiresAt: string } | null | undefined;
}

/** What each commit of a batch came to, in the batch's order. */
export type BatchOutcome = { ok: true; value: CommitReceipt } | { ok: false; error: StaleRevisionError };

/** Column types of `tasks` in `TASK_COLUMNS` order, for `unnest`. */
const TASK_TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'int', 'text', 'text', 'text', 'text', 'text'];
/** The UPDATE's values: the columns a transition changes, then the id and the expected revision. */
const UPDATE_COLUMNS = ['state', 'risk_level', 'approval_id', 'revision', 'envelope', 'history', 'quarantine_reason', 'updated_at', 'id', 'expected'];
const UPDATE_TYPES = ['text', 'text', 'text', 'int', 'text', 'text', 'text', 'text', 'text', 'int'];
const APPROVAL_WIDTH = 8;

/** The two statements of a batch of task commits, for one schema; named, so each connection prepares them once. */
export interface BatchStatements {
  /** Every task row: the inserts, then the compare-and-sets. Returns which were written. */
  tasks(values: unknown[]): QueryConfig;
  /** The stored revisions of these tasks, for the refusals of compare-and-sets that found another. */
  revisions(ids: string[]): QueryConfig;
  /** Everything else of the written commits, under the journal head's lock: approvals, journal, leases, the head. */
  followUp(values: unknown[]): QueryConfig;
}

/**
 * Builds the statements that write a whole batch of task commits in two round trips, whatever
 * its size, where one statement per commit took one round trip each.
 * @example const statements = batchStatements(postgresTables('public'));
 */
export function batchStatements(t: PostgresTables): BatchStatements {
  const arrays = (types: readonly string[], first: number) => types.map((type, index) => `$${first + index}::${type}[]`).join(', ');
  const set = UPDATE_COLUMNS.slice(0, 8)
    .map((column) => `${column} = u.${column}`)
    .join(', ');
  const tasks = `
    WITH inserted AS (
      INSERT INTO ${t.tasks} (${TASK_COLUMNS}) SELECT * FROM unnest(${arrays(TASK_TYPES, 1)}) RETURNING id
    ),
    updated AS (
      UPDATE ${t.tasks} AS t SET ${set}
      FROM unnest(${arrays(UPDATE_TYPES, 17)}) AS u(${UPDATE_COLUMNS.join(', ')})
      WHERE t.id = u.id AND t.revision = u.expected
      RETURNING t.id
    )
    SELECT (SELECT coalesce(array_agg(id), '{}') FROM inserted) AS inserted,
           (SELECT coalesce(array_agg(id), '{}') FROM updated) AS updated`;
  const journalTypes = ['bigint', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'];
  const followUp = `
    WITH approval AS (
      INSERT INTO ${t.approvals} (id, task_id, status, risk_level, action_type, created_at, expires_at, record)
      SELECT * FROM unnest(${arrays(Array(APPROVAL_WIDTH).fill('text'), 1)})
      ON CONFLICT (id) DO UPDATE SET task_id = excluded.task_id, status = excluded.status, risk_level = excluded.risk_level,
        action_type = excluded.action_type, created_at = excluded.created_at, expires_at = excluded.expires_at, record = excluded.record
    ),
    journal AS (
      INSERT INTO ${t.journal} (seq, at, actor, type, task_id, approval_id, data, prev_hash, hash) SELECT * FROM unnest(${arrays(journalTypes, 9)})
    ),
    lease_set AS (
      INSERT INTO ${t.leases} (task_id, owner, expires_at) SELECT * FROM unnest($18::text[], $19::text[], $20::text[])
      ON CONFLICT (task_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
    ),
    lease_clear AS (DELETE FROM ${t.leases} WHERE task_id = ANY($21::text[])),
    head AS (UPDATE ${t.journalHead} SET seq = $22, hash = $23 WHERE $24::boolean)
    SELECT pg_notify($25, $26) WHERE $24::boolean`;
  return {
    tasks: (values) => ({ name: 'tollgate_batch_tasks', text: tasks, values }),
    followUp: (values) => ({ name: 'tollgate_batch_follow_up', text: followUp, values }),
    revisions: (ids) => ({ name: 'tollgate_batch_revisions', text: `SELECT id, revision FROM ${t.tasks} WHERE id = ANY($1::text[])`, values: [ids] }),
  };
}

/** Column arrays from rows of values: `columns(rows, n)[i]` is every row's i-th value. */
function columns(rows: readonly unknown[][], width: number): unknown[][] {
  return Array.from({ length: width }, (_, index) => rows.map((row) => row[index] ?? null));
}

/**
 * Writes a batch of task commits (distinct tasks) in the caller's transaction: every task row in
 * one statement, then — holding the `journal_head` row lock only from here to COMMIT — the
 * approvals, journal rows, leases and the head of the commits whose row was written, in one
 * more. A compare-and-set that finds another revision fails alone, with the revision it found.
 * Any other failure (a unique violation: a task id or idempotency key taken) throws, and the
 * caller rolls back and writes the batch commit by commit.
 * @example const outcomes = await writeCommitBatch(client, statements, lockHead, tables.schema, commits);
 */
export async function writeCommitBatch(
  client: PoolClient,
  statements: BatchStatements,
  lockHead: QueryConfig,
  schema: string,
  commits: readonly CapturedTaskCommit[],
): Promise<BatchOutcome[]> {
  const inserts = commits.filter((commit) => commit.expectedRevision === null);
  const updates = commits.filter((commit) => commit.expectedRevision !== null);
  const { rows } = await client.query<{ inserted: string[]; updated: string[] }>(
    statements.tasks([
      ...columns(
        inserts.map((commit) => commit.taskValues),
        TASK_TYPES.length,
      ),
      ...columns(
        updates.map((commit) => commit.taskValues),
        UPDATE_TYPES.length,
      ),
    ]),
  );
  const result = rows[0];
  if (!result) throw new Error('the batch statement returned no row');
  const written = new Set([...result.inserted, ...result.updated]);
  const landed = commits.filter((commit) => written.has(commit.taskId));
  if (inserts.some((commit) => !written.has(commit.taskId))) throw new Error('a task of the batch was not inserted');

  const eventIds = new Map<string, number[]>();
  if (landed.length > 0) {
    const locked = await client.query<{ seq: string; hash: string }>(lockHead);
    const start = locked.rows[0];
    if (!start) throw new Error('journal_head is empty: the schema was not migrated by Tollgate');
    let head: JournalHead = { seq: Number(start.seq), hash: start.hash };
    const journal = [];
    for (const commit of landed) {
      const chained = chainDrafts(head, commit.drafts);
      journal.push(...chained.rows);
      eventIds.set(
        commit.taskId,
        chained.rows.map((row) => row.seq),
      );
      head = chained.head;
    }
    const withApproval = landed.filter((commit) => commit.approvalValues !== null);
    const leased = landed.filter((commit) => commit.lease);
    const moved = head.seq !== Number(start.seq);
    await client.query(
      statements.followUp([
        ...columns(
          withApproval.map((commit) => commit.approvalValues as unknown[]),
          APPROVAL_WIDTH,
        ),
        ...journalArrays(journal),
        leased.map((commit) => commit.taskId),
        leased.map((commit) => commit.lease?.owner),
        leased.map((commit) => commit.lease?.expiresAt),
        landed.filter((commit) => commit.lease === null).map((commit) => commit.taskId),
        head.seq,
        head.hash,
        moved,
        JOURNAL_CHANNEL,
        schema,
      ]),
    );
  }
  // Read by a statement of its own, after the compare-and-sets: one that waited for another
  // transaction's lock saw the row as that one committed it, which a subquery of the same
  // statement (its snapshot taken before the wait) would not.
  const refused = commits.filter((commit) => !written.has(commit.taskId)).map((commit) => commit.taskId);
  const stored = new Map<string, number>();
  if (refused.length > 0) {
    for (const row of (await client.query<{ id: string; revision: number }>(statements.revisions(refused))).rows) stored.set(row.id, row.revision);
  }
  return commits.map((commit): BatchOutcome => {
    const ids = eventIds.get(commit.taskId);
    if (ids) return { ok: true, value: { eventIds: ids } };
    return { ok: false, error: new StaleRevisionError(commit.taskId, commit.expectedRevision as number, stored.get(commit.taskId) ?? null) };
  });
}
