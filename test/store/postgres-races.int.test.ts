import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StaleRevisionError, TaskExistsError } from '../../src/errors.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import type { Store } from '../../src/store/store.ts';
import { eventOf, insertOf, nextRevision, taskRecord, updateOf } from './fixtures.ts';
import { TEST_PG_URL, TestDatabase, testSchemaName } from './postgres-harness.ts';

// Two workers whose writes take the same two locks in opposite orders: a batch statement locks
// its task rows and then the journal head; a batch written commit by commit (after its batch
// statement was refused) locks the head and then each task row. PostgreSQL breaks the deadlock
// by aborting one transaction; the store must run that whole transaction again, never hand the
// raw deadlock error (40P01) to one write.

const schema = testSchemaName('races');
const db = new TestDatabase();
let workers: [Store, Store];

// Holds the first batch statement that runs after `armed` is set for `holdMs` once it has run
// (its task rows locked, the head not yet): the window in which the other worker's batch takes
// the head. Patched on pg's Client, which every pool connection of this test file's stores uses.
const originalQuery = pg.Client.prototype.query;
let armed = false;
const holdMs = 400;
function holdNextBatchStatement(): void {
  armed = true;
}

beforeAll(async () => {
  if (!(await db.connect())) return;
  (pg.Client.prototype as { query: unknown }).query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
    const result = (originalQuery as (...args: unknown[]) => unknown).call(this, config, ...rest);
    const named = typeof config === 'object' && config !== null ? (config as { name?: unknown }).name : undefined;
    if (armed && named === 'tollgate_batch_tasks' && result instanceof Promise) {
      armed = false;
      return result.then(async (value) => {
        await new Promise((resolve) => setTimeout(resolve, holdMs));
        return value;
      });
    }
    return result;
  };
  const open = () => openPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 2 });
  workers = [await open(), await open()];
});

beforeEach(() => db.assertReachable());
afterEach(() => {
  armed = false;
});

afterAll(async () => {
  pg.Client.prototype.query = originalQuery;
  await Promise.all((workers ?? []).map((store) => store.close()));
  await db.end([schema]);
});

describe('PostgreSQL: a deadlock between a batch statement and a commit-by-commit batch', () => {
  it('is run again whole: each write gets its own outcome, never PostgreSQL’s deadlock error', async () => {
    const [a, b] = workers;
    const contested = taskRecord(1);
    const taken = taskRecord(2);
    await a.commit(insertOf(contested));
    await a.commit(insertOf(taken));

    holdNextBatchStatement();
    const fromA = a.commit(updateOf(contested, nextRevision(contested, { state: 'parked' }), { events: [eventOf(contested, 'task.parked')] }));
    await new Promise((resolve) => setTimeout(resolve, holdMs / 3));
    // B's batch: an insert whose id is taken makes its batch statement fail, so B writes commit
    // by commit — head first, then the contested row, which A holds while it waits for the head.
    const fromB = Promise.allSettled([
      b.commit(insertOf(taken)),
      b.commit(updateOf(contested, nextRevision(contested, { state: 'cancelled' }), { events: [eventOf(contested, 'task.cancelled')] })),
    ]);

    await expect(fromA).resolves.toMatchObject({ eventIds: [expect.any(Number)] });
    const [insert, update] = await fromB;
    expect(insert.status === 'rejected' && insert.reason).toBeInstanceOf(TaskExistsError);
    // A won the compare-and-set; B's update is refused as stale, the refusal a decision retries.
    expect(update.status === 'rejected' && update.reason).toBeInstanceOf(StaleRevisionError);

    const stored = await a.getTask(contested.id);
    expect(stored?.state).toBe('parked');
    expect(stored?.revision).toBe(contested.revision + 1);
    expect(await b.verifyAudit()).toMatchObject({ ok: true });
  });
});

describe('PostgreSQL: a compare-and-set that waited for another worker’s commit of the same task', () => {
  it('is refused with the revision that worker wrote, not the one its statement started from', async () => {
    const [a, b] = workers;
    const task = taskRecord(3);
    await a.commit(insertOf(task));

    holdNextBatchStatement();
    const fromA = a.commit(updateOf(task, nextRevision(task, { state: 'parked' })));
    await new Promise((resolve) => setTimeout(resolve, holdMs / 3));
    // B's UPDATE waits for A's row lock; once A commits it finds revision 2, not the expected 1.
    const fromB = b.commit(updateOf(task, nextRevision(task, { state: 'cancelled' })));

    await expect(fromA).resolves.toMatchObject({ eventIds: [expect.any(Number)] });
    const refusal = await fromB.then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(StaleRevisionError);
    expect(refusal).toMatchObject({ expected: 1, actual: 2 });
    expect((await a.getTask(task.id))?.state).toBe('parked');
  });
});
