// The writer thread of the SQLite stores of a process: one thread, one writing connection per
// store, every request run in the order it was sent. Started by WriterThread
// (sqlite-writer-client.ts); statements, hashing and fsyncs run here, off the stores' event loop.
import { createRequire } from 'node:module';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { configureSqliteConnection } from './sqlite-pragmas.ts';
import { unpackCommits } from './packed-commits.ts';
import { SqliteWrites } from './sqlite-writes.ts';
import { type WriteOp, type WriteReply, type WriteRequest, toWireError, toWireOutcomes } from './write-wire.ts';

const port = parentPort;
if (!port) throw new Error('sqlite-writer-thread runs as a worker thread');
// Resolved from the stores' module: this thread runs as bundled code with no location of its own.
const SqliteDatabase = createRequire((workerData as { requireFrom: string }).requireFrom)('better-sqlite3') as typeof Database;

const stores = new Map<number, { db: Database.Database; writes: SqliteWrites }>();
let nextStore = 1;

function writerOf(store: number): SqliteWrites {
  const open = stores.get(store);
  if (!open) throw new Error(`sqlite writer thread: store ${store} is not open`);
  return open.writes;
}

/** Every request but a commit (commits go through commitJoined). */
function run(request: Exclude<WriteOp, { op: 'commit' }>): unknown {
  switch (request.op) {
    case 'open': {
      const db = configureSqliteConnection(new SqliteDatabase(request.path), request.synchronous);
      const handle = nextStore++;
      stores.set(handle, { db, writes: new SqliteWrites(db) });
      return handle;
    }
    case 'autonomy':
      return writerOf(request.store).setAutonomy(request.setting);
    case 'claim':
      return writerOf(request.store).claimTasks(request.taskIds, request.lease, request.now);
    case 'renew':
      return writerOf(request.store).renewLeases(request.taskIds, request.lease);
    case 'close':
      stores.get(request.store)?.db.close();
      stores.delete(request.store);
      return null;
  }
}

/** Most commits joined into one transaction. */
const MAX_JOINED = 256;

function reply(request: WriteRequest, run: () => unknown): void {
  let answer: WriteReply;
  try {
    answer = { id: request.id, ok: true, value: run() };
  } catch (error) {
    answer = { id: request.id, ok: false, error: toWireError(error) };
  }
  port?.postMessage(answer);
}

/** Commits for one store sent one after another are written in one transaction; each request gets its own outcomes. */
function commitJoined(requests: Array<Extract<WriteRequest, { op: 'commit' }>>): void {
  const first = requests[0];
  if (!first) return;
  let outcomes: ReturnType<typeof toWireOutcomes>;
  try {
    const changes = requests.flatMap((request) => {
      const unpacked = unpackCommits(request.packed);
      if (unpacked.length !== request.count) throw new Error(`sqlite writer thread: ${unpacked.length} commits packed, ${request.count} announced`);
      return unpacked;
    });
    outcomes = toWireOutcomes(writerOf(first.store).commitBatch(changes));
  } catch (error) {
    for (const request of requests) reply(request, () => { throw error; });
    return;
  }
  let offset = 0;
  for (const request of requests) {
    const mine = outcomes.slice(offset, offset + request.count);
    offset += request.count;
    reply(request, () => mine);
  }
}

const pending = (): WriteRequest | undefined => receiveMessageOnPort(port)?.message as WriteRequest | undefined;

// Everything already waiting is taken at once, so commit requests that queued up while this
// thread was busy share one transaction (one fsync); other requests keep their place in line.
port.on('message', (first: WriteRequest) => {
  let next: WriteRequest | undefined = first;
  while (next) {
    const request: WriteRequest = next;
    next = undefined;
    if (request.op !== 'commit') {
      reply(request, () => run(request));
      next = pending();
      continue;
    }
    const joined = [request];
    let joinedCommits = request.count;
    for (let more = pending(); more; more = pending()) {
      if (more.op === 'commit' && more.store === request.store && joinedCommits + more.count <= MAX_JOINED) {
        joined.push(more);
        joinedCommits += more.count;
      } else {
        next = more;
        break;
      }
    }
    commitJoined(joined);
  }
});
