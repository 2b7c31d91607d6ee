import type Database from 'better-sqlite3';
import { GateError } from '../errors.ts';
import type { AutonomySetting } from '../model/autonomy-setting.ts';
import { toRowCommit } from './row-commit.ts';
import { SqliteWrites } from './sqlite-writes.ts';
import type { CommitReceipt, TaskCommit, TaskLease } from './task-record.ts';

/**
 * Where the SQLite store's writes run. Task commits are group-committed: the commits queued
 * while no batch is being written go together into the next transaction, and none resolves
 * before its COMMIT. Everything is written in the order it was asked for.
 */
export interface SqliteWriter {
  commit(change: TaskCommit): Promise<CommitReceipt>;
  /** Writes the commits queued so far first, then the setting and its audit entry; resolves with the entry's seq. */
  setAutonomy(setting: AutonomySetting): Promise<number>;
  claimTasks(taskIds: readonly string[], lease: TaskLease, now: string): Promise<string[]>;
  renewLeases(taskIds: readonly string[], lease: TaskLease): Promise<string[]>;
  /** Writes what is queued, then closes the writing connection. */
  close(): Promise<void>;
}

interface Pending {
  change: TaskCommit;
  resolve(receipt: CommitReceipt): void;
  reject(error: unknown): void;
}

type BatchWrite = (changes: TaskCommit[]) => Promise<Array<CommitReceipt | Error>> | Array<CommitReceipt | Error>;

/**
 * How batches form. `serial`: one batch at a time; commits queue up while it is written (or
 * until the next turn of the event loop), then go together — for a writer on this thread.
 * `pipelined`: a batch goes as soon as `maxBatch` commits are queued, or at the next turn, even
 * while others are being written — for a writer on another thread, which then works while this
 * one goes on producing (one big batch per turn would leave each thread waiting for the other);
 * the writer joins batches that queue up on its side into one transaction.
 */
export type BatchShape = { kind: 'serial' } | { kind: 'pipelined'; maxBatch: number };

/** Group commit over a batch writer, in the shape given. */
export class GroupCommit {
  #queue: Pending[] = [];
  #scheduled = false;
  #inFlight = 0;
  readonly #write: BatchWrite;
  readonly #shape: BatchShape;

  constructor(write: BatchWrite, shape: BatchShape = { kind: 'serial' }) {
    this.#write = write;
    this.#shape = shape;
  }

  /** Queues a commit; resolves once its batch committed. */
  add(change: TaskCommit): Promise<CommitReceipt> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ change, resolve, reject });
      if (this.#shape.kind === 'pipelined' && this.#queue.length >= this.#shape.maxBatch) this.flush();
      else this.#schedule();
    });
  }

  /** Hands what is queued to the writer now, even while another batch is being written. */
  flush(): void {
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    this.#inFlight += 1;
    let written: Promise<Array<CommitReceipt | Error>> | Array<CommitReceipt | Error>;
    try {
      written = this.#write(batch.map((pending) => pending.change));
    } catch (error) {
      this.#settle(batch, error, undefined);
      return;
    }
    if (Array.isArray(written)) this.#settle(batch, undefined, written);
    else written.then((outcomes) => this.#settle(batch, undefined, outcomes), (error: unknown) => this.#settle(batch, error, undefined));
  }

  #schedule(): void {
    if (this.#scheduled || (this.#shape.kind === 'serial' && this.#inFlight > 0)) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.flush();
    });
  }

  #settle(batch: Pending[], error: unknown, outcomes: Array<CommitReceipt | Error> | undefined): void {
    this.#inFlight -= 1;
    batch.forEach((pending, index) => {
      const outcome = outcomes?.[index];
      if (outcomes === undefined) pending.reject(error);
      else if (outcome instanceof Error || outcome === undefined) pending.reject(outcome ?? new Error('no outcome for a commit'));
      else pending.resolve(outcome);
    });
    // Serial: what queued up while this batch was written goes at once, as the next batch.
    if (this.#shape.kind === 'serial' && this.#inFlight === 0 && this.#queue.length > 0) this.flush();
  }
}

/**
 * The writer on the store's own connection and thread: each batch runs synchronously, so the
 * event loop waits for its statements and fsync. For short-lived stores (tools, tests) where
 * starting a writer thread costs more than it saves.
 */
export class InlineSqliteWriter implements SqliteWriter {
  readonly #writes: SqliteWrites;
  readonly #group: GroupCommit;

  constructor(db: Database.Database) {
    this.#writes = new SqliteWrites(db);
    this.#group = new GroupCommit((changes) => this.#writes.commitBatch(changes.map(toRowCommit)));
  }

  commit(change: TaskCommit): Promise<CommitReceipt> {
    return this.#group.add(change);
  }

  async setAutonomy(setting: AutonomySetting): Promise<number> {
    this.#group.flush();
    return this.#writes.setAutonomy(setting);
  }

  async claimTasks(taskIds: readonly string[], lease: TaskLease, now: string): Promise<string[]> {
    return this.#writes.claimTasks(taskIds, lease, now);
  }

  async renewLeases(taskIds: readonly string[], lease: TaskLease): Promise<string[]> {
    return this.#writes.renewLeases(taskIds, lease);
  }

  async close(): Promise<void> {
    this.#group.flush();
  }
}

/** The writer of a store opened read-only (`readOnly`): refuses every write, for tools that only read. */
export class ReadOnlyWriter implements SqliteWriter {
  readonly #path: string;
  constructor(path: string) {
    this.#path = path;
  }
  #refuse(): Promise<never> {
    return Promise.reject(new GateError('internal', `${this.#path} was opened read-only; this tool does not write`));
  }
  commit(): Promise<CommitReceipt> {
    return this.#refuse();
  }
  setAutonomy(): Promise<number> {
    return this.#refuse();
  }
  claimTasks(): Promise<string[]> {
    return this.#refuse();
  }
  renewLeases(): Promise<string[]> {
    return this.#refuse();
  }
  async close(): Promise<void> {}
}
