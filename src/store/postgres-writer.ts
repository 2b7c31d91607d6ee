import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { GateError } from '../errors.ts';
import { failureSummary, storeUnavailableReason } from './store-outage.ts';
import { type JournalDraft, type JournalHead, type JournalRow, chainDrafts } from './postgres-rows.ts';
import { JOURNAL_CHANNEL, type PostgresTables } from './postgres-schema.ts';
import { type BatchStatements, type CapturedTaskCommit, batchStatements, writeCommitBatch } from './postgres-batch.ts';
import { inTransaction } from './postgres-transaction.ts';

/** What a write sees of the group-commit transaction it runs in. */
export interface WriteTransaction {
  readonly client: PoolClient;
  /**
   * Places audit entries after the chain's head (their seqs and hashes). Once the write has
   * inserted `rows`, `accept()` moves the head past them and returns their seqs.
   */
  chain(drafts: readonly JournalDraft[]): { rows: JournalRow[]; accept(): number[] };
}

/**
 * One write (a task commit, an autonomy change). `apply` either succeeds, or throws a
 * `GateError` having changed nothing (the transaction goes on), or throws anything else.
 */
export interface StoreWrite<T> {
  /** A task commit's values, so that a batch of them can be written in two statements (postgres-batch.ts). */
  taskCommit?: CapturedTaskCommit;
  apply(tx: WriteTransaction): Promise<T>;
  /** After the write's savepoint was rolled back: the error to report for what it threw. May read. */
  explain?(error: unknown, tx: WriteTransaction): Promise<unknown>;
}

interface Pending {
  write: StoreWrite<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Thrown inside a batch run without savepoints when a write failed otherwise than with a GateError: the batch is rolled back and run again with them. */
const RETRY_WITH_SAVEPOINTS = Symbol('retry the batch with a savepoint per write');

/**
 * Savepoints hold subtransaction ids until the top transaction ends; past 64 in one
 * transaction PostgreSQL's subxid cache overflows and every session's snapshots get slower.
 */
const MAX_BATCH = 32;

/**
 * Group commit for the PostgreSQL store. Writes queue up; one batch at a time runs as one
 * transaction, and no write resolves before its COMMIT. Every transaction that appends to the
 * journal holds the `journal_head` row lock (`SELECT … FOR UPDATE`) from when it chains its
 * entries to its COMMIT, so write transactions on one schema append one after another: seqs
 * are gapless, the chain is one chain, and a seq becomes visible only after every smaller one
 * did (outbox readers never skip one).
 *
 * A batch of task commits only (distinct tasks) is written in two statements whatever its size
 * (postgres-batch.ts): the task rows first, then under the head lock everything else — so the
 * lock is held for one statement and the COMMIT, not for a round trip per commit. A refused
 * compare-and-set fails alone. Any other batch — or one whose batch statement failed (a task id
 * or idempotency key taken) — runs commit by commit with the head locked first: without
 * savepoints first (a refused compare-and-set writes nothing and throws a GateError, so the batch
 * goes on); if a write fails otherwise, the batch is rolled back and run again with a savepoint
 * per write, so that write fails alone, with its error explained, and the others commit.
 * Batches of different workers can then lock task rows in different orders; a transaction
 * PostgreSQL aborts to break a deadlock is run again.
 *
 * @example
 * const writer = new GroupCommitWriter(pool, tables);
 * const receipt = await writer.submit(taskCommitWrite(sql, change));
 */
export class GroupCommitWriter {
  #queue: Pending[] = [];
  #draining: Promise<void> | null = null;
  readonly #pool: Pool;
  readonly #lockHead: string;
  readonly #moveHead: string;
  readonly #schema: string;
  readonly #logger: Logger | undefined;
  readonly #batch: BatchStatements;
  readonly #begin: string;

  /**
   * `idleInTransactionMs`: the database ends a batch's transaction left idle this long
   * (`idle_in_transaction_session_timeout`, set with its BEGIN, in the same round trip): a worker
   * whose connection went silent mid-batch otherwise held the journal head — and every other
   * worker's writes — until the server noticed the connection was gone (hours). A batch waits on
   * nothing but the database between its statements.
   */
  constructor(pool: Pool, tables: PostgresTables, logger?: Logger, options: { idleInTransactionMs?: number } = {}) {
    this.#pool = pool;
    // Explicit READ COMMITTED: under a REPEATABLE READ or SERIALIZABLE default, waiting for the head would end in serialization failures.
    const idle = options.idleInTransactionMs;
    this.#begin = `BEGIN ISOLATION LEVEL READ COMMITTED${idle === undefined ? '' : `; SET LOCAL idle_in_transaction_session_timeout = ${Math.trunc(idle)}`}`;
    this.#logger = logger;
    this.#batch = batchStatements(tables);
    this.#lockHead = `SELECT seq, hash FROM ${tables.journalHead} FOR UPDATE`;
    this.#moveHead = `UPDATE ${tables.journalHead} SET seq = $1, hash = $2`;
    this.#schema = tables.schema;
  }

  /** Queues a write; resolves with its result once its transaction committed. */
  submit<T>(write: StoreWrite<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      // One turn of the event loop gathers the writes issued together into the first batch.
      this.#draining ??= new Promise((wake) => setImmediate(wake)).then(() => this.#drain());
    });
  }

  /** Resolves once every write submitted so far has settled. */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) await this.#runBatch(this.#queue.splice(0, MAX_BATCH));
    } finally {
      this.#draining = null;
    }
  }

  async #runBatch(batch: Pending[]): Promise<void> {
    let outcomes: Outcome[];
    try {
      outcomes = await this.#withRetries(async () => {
        const commits = taskCommitsOf(batch);
        if (commits) {
          const written = await this.#batchedTransaction(commits);
          // A write failed otherwise than with a compare-and-set: commit by commit, each in a savepoint.
          return written ?? (await this.#transaction(batch, true));
        }
        return (await this.#transaction(batch, false)) ?? (await this.#transaction(batch, true));
      });
    } catch (error) {
      // Nothing of this batch is known to be committed (an error during COMMIT itself leaves it unknown).
      // An outage is told by each request it fails (503 store_unavailable) and by the sweeper: a
      // stack per batch here would only repeat it. Anything else is a bug, told with its stack.
      if (storeUnavailableReason(error) === undefined) this.#logger?.error({ err: error, writes: batch.length }, 'postgres store: batch transaction failed');
      else this.#logger?.debug({ ...failureSummary(error), writes: batch.length }, 'postgres store: batch transaction failed: the database is unavailable');
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => {
      const outcome = outcomes[index] as Outcome;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  }

  /**
   * Runs `attempt` again when PostgreSQL aborted its transaction to break a deadlock or a
   * serialization conflict (nothing of it was committed): batches of different workers lock task
   * rows before the journal head, so two that write the same two tasks at once can deadlock.
   */
  async #withRetries(attempt: () => Promise<Outcome[]>): Promise<Outcome[]> {
    for (let retry = 0; ; retry += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (retry >= MAX_CONFLICT_RETRIES || !isTransientConflict(error)) throw error;
        this.#logger?.warn({ err: error, retry: retry + 1 }, 'postgres store: batch transaction aborted by a conflict; running it again');
      }
    }
  }

  /** The batch's task commits written two statements for all (postgres-batch.ts); null, rolled back, when one failed otherwise than with a compare-and-set. */
  async #batchedTransaction(commits: CapturedTaskCommit[]): Promise<Outcome[] | null> {
    try {
      return await inTransaction(
        this.#pool,
        (client) => writeCommitBatch(client, this.#batch, { name: 'tollgate_lock_head', text: this.#lockHead }, this.#schema, commits),
        this.#begin,
      );
    } catch (error) {
      // Only a statement refused by a constraint (an id or idempotency key already taken) is
      // written again commit by commit, where each such commit fails alone. Anything else —
      // a conflict (retried whole), a lost connection, a failed COMMIT — leaves the outcome
      // unknown: run again, a write that did commit would be told it lost its own race.
      if (!isConstraintViolation(error)) throw error;
      this.#logger?.debug({ err: error, writes: commits.length }, 'postgres store: batch statement failed; writing commit by commit');
      return null;
    }
  }

  /** Runs the batch in one transaction. Without savepoints, returns null when a write failed otherwise than with a GateError. */
  async #transaction(batch: Pending[], savepoints: false): Promise<Outcome[] | null>;
  async #transaction(batch: Pending[], savepoints: true): Promise<Outcome[]>;
  async #transaction(batch: Pending[], savepoints: boolean): Promise<Outcome[] | null> {
    try {
      return await inTransaction(this.#pool, (client) => this.#writeBatch(client, batch, savepoints), this.#begin);
    } catch (error) {
      if (error === RETRY_WITH_SAVEPOINTS) return null;
      throw error;
    }
  }

  /** The batch's statements, inside its transaction: the head locked first, moved (and announced) last. */
  async #writeBatch(client: PoolClient, batch: Pending[], savepoints: boolean): Promise<Outcome[]> {
    const locked = await client.query<{ seq: string; hash: string }>({ name: 'tollgate_lock_head', text: this.#lockHead });
    const start = locked.rows[0];
    if (!start) throw new Error('journal_head is empty: the schema was not migrated by Tollgate');
    const tx = new BatchTransaction(client, { seq: Number(start.seq), hash: start.hash });
    const outcomes: Outcome[] = [];
    for (const [index, pending] of batch.entries()) {
      if (savepoints) await client.query(index === 0 ? 'SAVEPOINT tollgate_write' : 'RELEASE SAVEPOINT tollgate_write; SAVEPOINT tollgate_write');
      const before = tx.head;
      try {
        outcomes.push({ ok: true, value: await pending.write.apply(tx) });
      } catch (error) {
        tx.head = before;
        // A deadlock or serialization failure is the whole transaction's (#withRetries runs it
        // again), never one write's: this path locks the head before task rows, a batch statement
        // after them, so two workers can deadlock on a task they both write.
        if (isTransientConflict(error)) throw error;
        if (error instanceof GateError) {
          outcomes.push({ ok: false, error });
          continue;
        }
        if (!savepoints) throw RETRY_WITH_SAVEPOINTS;
        await client.query('ROLLBACK TO SAVEPOINT tollgate_write');
        const reported = pending.write.explain ? await pending.write.explain(error, tx) : error;
        if (!(reported instanceof GateError)) this.#logger?.warn({ err: reported }, 'postgres store: write failed');
        outcomes.push({ ok: false, error: reported });
      }
    }
    if (tx.head.seq !== Number(start.seq)) {
      await client.query({ name: 'tollgate_move_head', text: this.#moveHead, values: [tx.head.seq, tx.head.hash] });
      // Delivered at COMMIT, to every worker listening: their event streams read the journal then.
      await client.query({ name: 'tollgate_notify', text: 'SELECT pg_notify($1, $2)', values: [JOURNAL_CHANNEL, this.#schema] });
    }
    return outcomes;
  }
}

/** How often a batch aborted by a deadlock or serialization failure is run again. */
const MAX_CONFLICT_RETRIES = 5;

/** Deadlock detected, or serialization failure: PostgreSQL rolled the transaction back, and running it again may succeed. */
function isTransientConflict(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '40P01' || code === '40001';
}

/** SQLSTATE class 23, integrity constraint violation: the statement was refused, nothing of it was written. */
function isConstraintViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('23');
}

/** The batch's captured task commits, if it holds nothing else and no task twice (a batch statement writes each task once). */
function taskCommitsOf(batch: readonly Pending[]): CapturedTaskCommit[] | null {
  const commits: CapturedTaskCommit[] = [];
  const tasks = new Set<string>();
  for (const pending of batch) {
    const commit = pending.write.taskCommit;
    if (!commit || tasks.has(commit.taskId)) return null;
    tasks.add(commit.taskId);
    commits.push(commit);
  }
  return commits;
}

class BatchTransaction implements WriteTransaction {
  readonly client: PoolClient;
  head: JournalHead;

  constructor(client: PoolClient, head: JournalHead) {
    this.client = client;
    this.head = head;
  }

  chain(drafts: readonly JournalDraft[]): { rows: JournalRow[]; accept(): number[] } {
    const from = this.head;
    const { rows, head } = chainDrafts(from, drafts);
    return {
      rows,
      accept: () => {
        // Writes run one after another; a chain taken before another write's accept is stale.
        if (this.head !== from) throw new Error('journal entries accepted out of order');
        this.head = head;
        return rows.map((row) => row.seq);
      },
    };
  }
}
