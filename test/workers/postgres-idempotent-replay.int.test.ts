import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import type { Executor } from '../../src/engine/executor.ts';
import { DEFAULT_LEASE_MS } from '../../src/engine/worker-leases.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import type { Store } from '../../src/store/store.ts';
import { TEST_PG_URL, TestDatabase, testSchemaName } from '../store/postgres-harness.ts';

// Found by a new-user trial of the README's "Scale out on PostgreSQL": an agent whose proposal
// was still executing on one worker sent it again, with its idempotencyKey, to another worker
// (a load balancer's retry, the first worker gone). The other worker answered the task as it
// stood, `executing`, at once, where the first answer would have waited for `completed` (API.md:
// POST /tasks answers once the task is settled), so `tollgate tasks propose` exited 4 ("will
// not run, do not go on") for an action that ran.

const schema = testSchemaName('replay');
const db = new TestDatabase();
const stores: Store[] = [];
const engines: Engine[] = [];
let release: () => void = () => undefined;
let executions = 0;

/** Executes only when the test lets it: the task stays `executing` on worker 0 until then. */
const heldExecutor: Executor = {
  idempotent: true,
  execute: async (request) => {
    executions += 1;
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    return { ran: request.idempotencyKey };
  },
};

beforeAll(async () => {
  if (!(await db.connect())) return;
  stores.push(...(await Promise.all([0, 1].map(() => openPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 3 })))));
  engines.push(createEngine({ store: stores[0] as Store, executor: heldExecutor }), createEngine({ store: stores[1] as Store }));
});

beforeEach(() => {
  db.assertReachable();
  executions = 0;
});

afterAll(async () => {
  release();
  await Promise.all(engines.map((engine) => engine.close()));
  await Promise.all(stores.map((store) => store.close()));
  await db.end([schema]);
});

async function executingOn(store: Store, agentId: string, key: string): Promise<string> {
  for (let i = 0; i < 200; i += 1) {
    const record = await store.findTaskByIdempotencyKey(agentId, key);
    if (record?.state === 'executing') return record.id;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the task never reached executing');
}

describe('an idempotent replay at another PostgreSQL worker', () => {
  it('answers the task once it is settled, not `executing` while the first worker still runs it', async () => {
    const [first, second] = engines as [Engine, Engine];
    const proposal = { actionType: 'code:read', title: 'read the repo', agentId: 'agent-r', idempotencyKey: 'replay-1' };
    const original = first.submit(proposal);
    const taskId = await executingOn(stores[1] as Store, 'agent-r', 'replay-1');

    let replayAnswered = false;
    const replay = second.submit(proposal).then((result) => {
      replayAnswered = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(replayAnswered).toBe(false);

    release();
    const [a, b] = await Promise.all([original, replay]);
    expect(a).toMatchObject({ created: true, task: { id: taskId, state: 'completed' } });
    expect(b).toMatchObject({ created: false, task: { id: taskId, state: 'completed', result: { ran: taskId } } });
    expect(executions).toBe(1);
  });

  it('answers a parked task at once (a replay does not wait for a human)', async () => {
    const [first, second] = engines as [Engine, Engine];
    const proposal = { actionType: 'vcs:push', title: 'push', agentId: 'agent-r', idempotencyKey: 'replay-2' };
    const { task } = await first.submit(proposal);
    expect(task.state).toBe('parked');
    // Not a speed check (a loaded machine and a shared database may take seconds): a replay that
    // waited for the task to settle would wait for a human, or give up after 3 leases (90 s).
    let timer: NodeJS.Timeout | undefined;
    const stillWaiting = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within one lease (${DEFAULT_LEASE_MS} ms)`), DEFAULT_LEASE_MS);
    });
    const again = await Promise.race([second.submit(proposal), stillWaiting]).finally(() => clearTimeout(timer));
    expect(again).toMatchObject({ created: false, task: { id: task.id, state: 'parked' } });
  });
});
