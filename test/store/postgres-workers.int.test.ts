import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/cli/open-store.ts';
import { DuplicateIdempotencyKeyError, StaleRevisionError, TaskExistsError } from '../../src/errors.ts';
import type { AutonomySetting } from '../../src/model/autonomy-setting.ts';
import type { AuditEntry } from '../../src/model/lifecycle-event.ts';
import { auditHash } from '../../src/store/audit-chain.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres-schema.ts';
import type { Store } from '../../src/store/store.ts';
import type { TaskRecord } from '../../src/store/task-record.ts';
import { eventOf, insertOf, isoAt, nextRevision, taskRecord } from './fixtures.ts';
import { partition } from './conformance/harness.ts';
import { TEST_PG_URL, TestDatabase, testSchemaName } from './postgres-harness.ts';
import { tollgate } from '../server/support/run-main.ts';

// Two stores with their own pools on one schema: two workers of a scaled-out deployment.
const schema = testSchemaName('workers');
const scratch = testSchemaName('newer');
const fromUrl = testSchemaName('url');
const db = new TestDatabase();
let workers: [Store, Store];

const open = (name = schema) => openPostgresStore({ connectionString: TEST_PG_URL, schema: name, poolSize: 3 });

beforeAll(async () => {
  // Both open a schema that does not exist yet, at once: the advisory lock lets one migrate.
  if (await db.connect()) workers = await Promise.all([open(), open()]);
});

beforeEach(() => db.assertReachable());

afterAll(async () => {
  await Promise.all((workers ?? []).map((store) => store.close()));
  await db.end([schema, scratch, fromUrl]);
});

/** Test-side SQL on the admin connection. */
async function sql(text: string): Promise<{ rows: Array<Record<string, unknown>> }> {
  return db.admin.query(text);
}

function autonomyOf(worker: number, n: number): AutonomySetting {
  return { scope: 'agent', subject: `agent-${worker}-${n}`, level: 'supervised', previous: 'semi', reason: 'test', setBy: `worker-${worker}`, setAt: isoAt(n) };
}

describe('two workers sharing one PostgreSQL schema', () => {
  it('migrated the fresh schema exactly once although both opened it together', async () => {
    const { rows } = await sql(`SELECT version FROM "${schema}".tollgate_migrations ORDER BY version`);
    expect(rows.map((row) => row.version)).toEqual(POSTGRES_MIGRATIONS.map((migration) => migration.version));
  });

  it('wakes a worker watching the journal when the other one commits events (LISTEN/NOTIFY)', async () => {
    const [a, b] = workers;
    let wakes = 0;
    const woken = new Promise<void>((resolve) => {
      const stop = b.watchJournal?.(() => {
        wakes += 1;
        if (wakes >= 2) {
          stop?.();
          resolve();
        }
      });
    });
    // The first wake comes when LISTEN is in place (something may have been missed before it).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const task = taskRecord(9_001);
    await a.commit(insertOf(task, { events: [eventOf(task, 'task.proposed')] }));
    await Promise.race([woken, new Promise((_, reject) => setTimeout(() => reject(new Error('no notification within 5 s')), 5_000))]);
    expect(wakes).toBe(2);
  });

  it('keeps one gapless, verifying audit chain while both commit concurrently', async () => {
    const before = await workers[0].lastEventId();
    const perWorker = 60;
    // Task n belongs to worker n % 2; each is inserted (2 events) then moved (1 event); autonomy changes interleave.
    const tasks = Array.from({ length: perWorker * 2 }, (_, i) => taskRecord(1000 + i));
    const workerOf = (i: number) => workers[i % 2] as Store;
    const inserted = await Promise.all(
      tasks.map((task, i) => workerOf(i).commit(insertOf(task, { events: [eventOf(task, 'task.proposed'), eventOf(task, 'task.evaluated')] }))),
    );
    const [moved, autonomy] = await Promise.all([
      Promise.all(tasks.map((task, i) => workerOf(i).commit({ task: nextRevision(task), expectedRevision: 1, events: [eventOf(task, 'task.parked')] }))),
      Promise.all(Array.from({ length: 10 }, (_, n) => workers[n % 2]?.setAutonomy(autonomyOf(n % 2, n)))),
    ]);

    const total = tasks.length * 3 + 10;
    const seqs = [...inserted, ...moved].flatMap((receipt) => receipt.eventIds).concat(autonomy.map((result) => result?.seq ?? 0));
    expect(seqs.sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => before + i + 1));
    for (const store of workers) {
      expect(await store.lastEventId()).toBe(before + total);
      const audit = await store.readAudit({ afterSeq: before });
      expect(audit.map((entry) => entry.seq)).toEqual(Array.from({ length: total }, (_, i) => before + i + 1));
      expect((await store.readEvents(before, 10_000)).length).toBe(total - 10);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: before + total });
    }
    // The workers' transactions really interleaved in the chain (batch by batch), so the above tested something.
    const writers = (await workers[0].readAudit({ afterSeq: before })).flatMap((entry) => (entry.taskId ? [Number(entry.taskId.slice(-4)) % 2] : []));
    expect(writers.filter((worker, i) => i > 0 && worker !== writers[i - 1]).length).toBeGreaterThanOrEqual(2);
    // Each task's own entries are in its commit order, whichever worker wrote them.
    const ofFirst = await workers[1].readAudit({ taskId: tasks[0]?.id });
    expect(ofFirst.map((entry) => entry.action)).toEqual(['task.proposed', 'task.evaluated', 'task.parked']);
  });

  it('lets exactly one of concurrent compare-and-set commits on one task win, across workers', async () => {
    let task: TaskRecord = taskRecord(1);
    await workers[0].commit(insertOf(task));
    for (let round = 0; round < 8; round += 1) {
      const racers = workers.flatMap((store, w) =>
        [0, 1, 2].map((i) => {
          const next = nextRevision(task, { quarantineReason: `round ${round} worker ${w} racer ${i}` });
          return store.commit({ task: next, expectedRevision: task.revision, events: [eventOf(next, 'task.parked')] }).then(() => next);
        }),
      );
      const { fulfilled, rejected } = partition(await Promise.allSettled(racers));
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(5);
      for (const error of rejected) expect(error).toBeInstanceOf(StaleRevisionError);
      task = fulfilled[0] as TaskRecord;
      for (const store of workers) expect(await store.getTask(task.id)).toStrictEqual(task);
    }
    expect(await workers[1].verifyAudit()).toMatchObject({ ok: true });
  });

  it('lets exactly one of concurrent inserts of one id, or of one idempotency key, win across workers', async () => {
    const sameId = workers.flatMap((store) => [0, 1].map((i) => store.commit(insertOf(taskRecord(2, { title: `attempt ${i}` })))));
    const byId = partition(await Promise.allSettled(sameId));
    expect(byId.fulfilled).toHaveLength(1);
    for (const error of byId.rejected) expect(error).toBeInstanceOf(TaskExistsError);

    const keyed = [3, 4, 5, 6].map((n) => taskRecord(n, { idempotencyKey: 'shared-key' }));
    const results = await Promise.allSettled(keyed.map((task, i) => workers[i % 2]?.commit(insertOf(task))));
    const byKey = partition(results);
    expect(byKey.fulfilled).toHaveLength(1);
    const winner = keyed[results.findIndex((result) => result.status === 'fulfilled')];
    for (const error of byKey.rejected) {
      expect(error).toBeInstanceOf(DuplicateIdempotencyKeyError);
      expect((error as DuplicateIdempotencyKeyError).existingTaskId).toBe(winner?.id);
    }
  });
});

describe('opening a PostgreSQL store', () => {
  it('opens from a --db URL, in the schema its query names', async () => {
    const url = new URL(TEST_PG_URL);
    url.searchParams.set('schema', fromUrl);
    const store = await openStore(url.toString());
    expect(store.kind).toBe('postgres');
    await store.commit(insertOf(taskRecord(1)));
    await store.close();
    const { rows } = await sql(`SELECT id FROM "${fromUrl}".tasks`);
    expect(rows).toEqual([{ id: taskRecord(1).id }]);
  });

  it('refuses a schema migrated by a newer Tollgate, and leaves it as it was', async () => {
    await (await open(scratch)).close();
    await sql(`INSERT INTO "${scratch}".tollgate_migrations (version, name) VALUES (99, 'from the future')`);
    await expect(open(scratch)).rejects.toThrow(/version 99, newer than this Tollgate/);
    const { rows } = await sql(`SELECT count(*)::int AS n FROM "${scratch}".tollgate_migrations`);
    expect(rows[0]?.n).toBe(POSTGRES_MIGRATIONS.length + 1);
  });

  it('audit verify notices a chain whose tail was deleted or replaced, which its links alone cannot show', async () => {
    const own = testSchemaName('tail');
    const store = await open(own);
    try {
      const task = taskRecord(1);
      await store.commit(insertOf(task, { events: [eventOf(task, 'task.proposed'), eventOf(task, 'task.evaluated'), eventOf(task, 'task.parked')] }));
      expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 3 });
      const last = (await store.readAudit({ afterSeq: 2 }))[0] as AuditEntry;
      await sql(`DELETE FROM "${own}".journal WHERE seq = 3`);
      expect(await store.verifyAudit()).toEqual({ ok: false, entries: 2, brokenAt: 3, reason: expect.stringMatching(/tail was deleted/) });
      // The tail replaced by a forged entry chained correctly onto the one before: every link
      // holds, the head's hash does not.
      const { hash: _hash, prevHash, ...body } = last;
      const forged = { ...body, actor: 'mallory' };
      await db.admin.query(
        `INSERT INTO "${own}".journal (seq, at, actor, type, task_id, approval_id, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [forged.seq, forged.at, forged.actor, forged.action, forged.taskId, forged.approvalId, JSON.stringify(forged.data), prevHash, auditHash(prevHash, forged)],
      );
      expect(await store.verifyAudit()).toEqual({ ok: false, entries: 3, brokenAt: 3, reason: expect.stringMatching(/tail was replaced/) });
    } finally {
      await store.close();
      await sql(`DROP SCHEMA "${own}" CASCADE`);
    }
  });

  it('a tool that only reads refuses a schema Tollgate never set up, and creates nothing', async () => {
    const typo = testSchemaName('typo');
    const url = new URL(TEST_PG_URL);
    url.searchParams.set('schema', typo);
    await expect(openStore(url.toString(), { readOnly: true })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringContaining(`no Tollgate schema ${typo}`) });
    expect((await sql(`SELECT 1 FROM pg_namespace WHERE nspname = '${typo}'`)).rows).toEqual([]);
    const existing = await openStore(`${TEST_PG_URL}?schema=${schema}`, { readOnly: true });
    await existing.close();
  });

  it('refuses a schema name that would need quoting', async () => {
    await expect(openPostgresStore({ connectionString: TEST_PG_URL, schema: 'Bad"Name' })).rejects.toThrow(/invalid PostgreSQL schema name/);
  });

  it('refuses, before touching the database, a name PostgreSQL reserves (pg_…) or one too long, saying which rule it breaks (a PostgreSQL trial got a stack trace for pg_temp)', async () => {
    await expect(openPostgresStore({ connectionString: TEST_PG_URL, schema: 'pg_tollgate' })).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/invalid PostgreSQL schema name "pg_tollgate": names starting with pg_ are reserved by PostgreSQL/),
    });
    await expect(openPostgresStore({ connectionString: TEST_PG_URL, schema: 'a'.repeat(64) })).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/at most 63 characters/),
    });
    const cli = await tollgate('migrate', '--db', `${TEST_PG_URL}?schema=pg_temp`);
    expect([cli.code, cli.err]).toEqual([2, expect.stringMatching(/^tollgate: --db postgres:[^ ]*schema=pg_temp: invalid PostgreSQL schema name "pg_temp": names starting with pg_ are reserved by PostgreSQL[^\n]*\(validation_failed\)\n$/)]);
  });
});
