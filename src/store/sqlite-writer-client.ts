import type Database from 'better-sqlite3';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ClosedError } from '../errors.ts';
import { ChurnMap } from '../util/churn-map.ts';
import type { AutonomySetting } from '../model/autonomy-setting.ts';
import type { SqliteSynchronous } from './sqlite-pragmas.ts';
import { packCommits } from './packed-commits.ts';
import { toRowCommit } from './row-commit.ts';
import { GroupCommit, type SqliteWriter } from './sqlite-writer.ts';
import { SqliteWrites } from './sqlite-writes.ts';
import type { CommitReceipt, TaskCommit, TaskLease } from './task-record.ts';
import { type WireOutcome, type WriteOp, type WriteReply, type WriteRequest, fromWireError, fromWireOutcomes } from './write-wire.ts';

const THREAD_ENTRY = 'sqlite-writer-thread';
/** Commits per message to the writer thread: small enough that both threads work at once (measured: 4–16 alike, 64 worse). */
const PIPELINED_BATCH = 16;
/** With nothing outstanding on the thread, a batch this small is written on the store's own thread. */
const WRITE_HERE_AT_MOST = 2;

/**
 * How to start the writer thread. Built, its module is plain JS beside this one. Run from
 * source, Node cannot load the TypeScript in a thread without loader hooks — and hooks in a
 * thread start their own esbuild process (~0.4 s per store) — so the thread's modules are
 * bundled once per process, in memory, and the thread runs the bundle.
 */
let threadCode: Promise<{ code: string; eval: boolean }> | undefined;
function threadSource(): Promise<{ code: string; eval: boolean }> {
  threadCode ??= (async () => {
    const entry = new URL(`./${THREAD_ENTRY}.ts`, import.meta.url);
    if (!import.meta.url.endsWith('.ts')) return { code: fileURLToPath(new URL(`./${THREAD_ENTRY}.js`, import.meta.url)), eval: false };
    const { build } = await import('esbuild');
    const bundled = await build({
      entryPoints: [fileURLToPath(entry)],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      external: ['better-sqlite3'],
      logLevel: 'silent',
    });
    return { code: bundled.outputFiles[0]?.text ?? '', eval: true };
  })();
  return threadCode;
}

/**
 * The one writer thread of this process's SQLite stores (sqlite-writer-thread.ts), started with
 * the first store that needs it: statements, hashing and fsyncs run there while the event loop
 * goes on. Requests are answered in the order sent. The thread keeps the process alive only
 * while a request is outstanding. If it dies, every outstanding and later request of the stores
 * it served fails; the next store opened starts a new one.
 */
class WriterThread {
  readonly #worker: Worker;
  // A request in flight per batch, thousands a second: see ChurnMap (a Map kept each batch's tasks alive until a full GC).
  readonly #waiting = new ChurnMap<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  #nextId = 1;
  #stopped: Error | null = null;

  constructor(code: string, evaluated: boolean) {
    this.#worker = new Worker(code, { eval: evaluated, workerData: { requireFrom: import.meta.url } });
    this.#worker.unref();
    this.#worker.on('message', (reply: WriteReply) => this.#answer(reply));
    this.#worker.on('error', (error) => this.#stop(error));
    this.#worker.on('exit', (code) => this.#stop(new Error(`the SQLite writer thread exited (code ${code})`)));
  }

  get stopped(): Error | null {
    return this.#stopped;
  }

  async terminate(): Promise<void> {
    await this.#worker.terminate();
    this.#stop(new Error('the SQLite writer thread was terminated'));
  }

  request(body: WriteOp): Promise<unknown> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#waiting.size === 0) this.#worker.ref();
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ ...body, id } as WriteRequest);
    });
  }

  #answer(reply: WriteReply): void {
    const waiting = this.#waiting.get(reply.id);
    if (!waiting) return;
    this.#waiting.delete(reply.id);
    if (this.#waiting.size === 0) this.#worker.unref();
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(fromWireError(reply.error));
  }

  /** None of the outstanding requests is known to be committed: they all fail, and so does every later one. */
  #stop(error: Error): void {
    this.#stopped ??= error;
    for (const waiting of this.#waiting.values()) waiting.reject(this.#stopped);
    this.#waiting.clear();
  }
}

let sharedThread: WriterThread | undefined;

/** Stops the writer thread as a crash would (for tests of what the stores do then); resolves once it is gone. */
export async function terminateWriterThread(): Promise<void> {
  await sharedThread?.terminate();
}
async function writerThread(): Promise<WriterThread> {
  const source = await threadSource();
  if (!sharedThread || sharedThread.stopped) sharedThread = new WriterThread(source.code, source.eval);
  return sharedThread;
}

/**
 * A store's writer on the writer thread, with a connection of its own there, and the store's
 * connection for quiet moments. Under load, commits go to the thread in small batches (the
 * commits that arrive meanwhile form the next ones), so writing and running tasks overlap on two
 * cores. When nothing of this store is outstanding on the thread and only a few commits are
 * queued, they are written here instead: a hop to an idle thread and back costs more latency
 * than the write (measured: ~0.5 ms per commit at one task in flight). Order is kept: a write
 * goes here only when everything sent to the thread before it has been answered. If the thread
 * dies, what was outstanding there fails (it may or may not have committed, as in a crash) and
 * every later write runs here: the store goes on, at the inline writer's speed.
 * @example const writer = await ThreadSqliteWriter.open(db, './tollgate.db', 'FULL');
 */
export class ThreadSqliteWriter implements SqliteWriter {
  readonly #thread: WriterThread;
  readonly #store: number;
  readonly #here: SqliteWrites;
  readonly #group: GroupCommit;
  #outstanding = 0;
  #closing: Promise<void> | null = null;

  private constructor(thread: WriterThread, store: number, here: SqliteWrites, hereAtMost: number) {
    this.#thread = thread;
    this.#store = store;
    this.#here = here;
    this.#group = new GroupCommit(
      (changes) =>
        (this.#outstanding === 0 && changes.length <= hereAtMost) || this.#thread.stopped
          ? this.#here.commitBatch(changes.map(toRowCommit))
          : this.#send({ op: 'commit', store, count: changes.length, packed: packCommits(changes) }).then((outcomes) => fromWireOutcomes(outcomes as WireOutcome[])),
      { kind: 'pipelined', maxBatch: PIPELINED_BATCH },
    );
  }

  /**
   * Opens the store's writing connection on the writer thread (starting it if needed); `db` is
   * the store's own. `always: true` sends every write to the thread (no quiet-moment writes here).
   */
  static async open(db: Database.Database, path: string, synchronous: SqliteSynchronous, options: { always?: boolean } = {}): Promise<ThreadSqliteWriter> {
    const thread = await writerThread();
    const store = (await thread.request({ op: 'open', path, synchronous })) as number;
    return new ThreadSqliteWriter(thread, store, new SqliteWrites(db), options.always ? 0 : WRITE_HERE_AT_MOST);
  }

  commit(change: TaskCommit): Promise<CommitReceipt> {
    if (this.#closing) return Promise.reject(new ClosedError('store'));
    return this.#group.add(change);
  }

  async setAutonomy(setting: AutonomySetting): Promise<number> {
    this.#group.flush();
    if (this.#thread.stopped) return this.#here.setAutonomy(setting);
    return (await this.#send({ op: 'autonomy', store: this.#store, setting })) as number;
  }

  async claimTasks(taskIds: readonly string[], lease: TaskLease, now: string): Promise<string[]> {
    if (this.#thread.stopped) return this.#here.claimTasks(taskIds, lease, now);
    return (await this.#send({ op: 'claim', store: this.#store, taskIds: [...taskIds], lease, now })) as string[];
  }

  async renewLeases(taskIds: readonly string[], lease: TaskLease): Promise<string[]> {
    if (this.#thread.stopped) return this.#here.renewLeases(taskIds, lease);
    return (await this.#send({ op: 'renew', store: this.#store, taskIds: [...taskIds], lease })) as string[];
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#group.flush();
      // Answered after every earlier request of this store: the queue is written first.
      if (!this.#thread.stopped) await this.#send({ op: 'close', store: this.#store }).catch(() => undefined);
    })();
    return this.#closing;
  }

  async #send(op: WriteOp): Promise<unknown> {
    this.#outstanding += 1;
    try {
      return await this.#thread.request(op);
    } finally {
      this.#outstanding -= 1;
    }
  }
}
