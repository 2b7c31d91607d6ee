import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import type { Executor } from '../../src/engine/executor.ts';
import { createLogger } from '../../src/engine/logger.ts';
import { type Sweeper, startSweeper } from '../../src/engine/sweeper.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import type { Store } from '../../src/store/store.ts';
import { TEST_PG_URL, TestDatabase, testSchemaName } from '../store/postgres-harness.ts';

// Found by a new-user trial of the README's "Scale out on PostgreSQL": all workers were killed
// while six tasks executed; the one restarted took over two of them at once, and the other four
// only when those two had finished executing. A sweep waited for the executions of the tasks it
// took over: meanwhile that worker applied no deadline, took nothing else over, and its
// shutdown (which waits for the sweep under way) was bounded by the executor, not by 20 s.

const schema = testSchemaName('takeover_sweep');
const db = new TestDatabase();
const stores: Store[] = [];
const engines: Engine[] = [];
let sweeper: Sweeper | undefined;
const releases: Array<() => void> = [];

/** Never answers: its worker "dies" (stops its heartbeat) with the task executing. */
const hungExecutor: Executor = { idempotent: true, execute: () => new Promise(() => undefined) };
/** Answers when the test lets it: the task taken over stays executing until then. */
const heldExecutor: Executor = {
  idempotent: true,
  execute: (request) => new Promise((resolve) => releases.push(() => resolve({ ran: request.idempotencyKey }))),
};

beforeAll(async () => {
  if (!(await db.connect())) return;
  stores.push(...(await Promise.all([0, 1].map(() => openPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 3 })))));
});

beforeEach(() => db.assertReachable());

afterAll(async () => {
  for (const release of releases) release();
  await sweeper?.stop();
  await Promise.all(engines.map((engine) => engine.close({ timeoutMs: 1_000 })));
  await Promise.all(stores.map((store) => store.close()));
  await db.end([schema]);
});

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a worker that took over a dead worker’s executing task', () => {
  it('goes on applying deadlines, and stops its sweeper at once, while that task still executes', async () => {
    const dead = createEngine({ store: stores[0] as Store, executor: hungExecutor, leaseMs: 1_000, workerId: 'dead', logger: createLogger('silent') });
    const taker = createEngine({ store: stores[1] as Store, executor: heldExecutor, leaseMs: 1_000, workerId: 'taker', logger: createLogger('silent') });
    engines.push(taker);
    void dead.submit({ actionType: 'code:read', title: 'slow read', agentId: 'agent-t', idempotencyKey: 'slow' }).catch(() => undefined);
    const slow = await poll(() => (stores[1] as Store).findTaskByIdempotencyKey('agent-t', 'slow'), (task) => task?.state === 'executing', 5_000, 'executing');
    // The heartbeat stops: the lease runs out a second later, as if the process had been killed.
    await dead.close({ timeoutMs: 10 });

    sweeper = startSweeper(taker, { intervalMs: 100, logger: createLogger('silent') });
    await poll(async () => releases.length, (calls) => calls === 1, 5_000, 'the takeover calling the executor');

    // A deadline that falls due while the taken-over task is still executing.
    const { task: parked } = await taker.submit({ actionType: 'vcs:push', title: 'push', agentId: 'agent-t', ttlSeconds: 1 });
    expect(parked.state).toBe('parked');
    const expired = await poll(() => taker.get(parked.id), (task) => task.state === 'expired', 4_000, 'the deadline applied').catch((error: Error) => error.message);
    expect(expired).toMatchObject({ state: 'expired' });
    expect((await taker.get(slow?.id as string)).state).toBe('executing');

    // Shutdown stops the sweeper first: it must not wait for that execution.
    const stopped = await Promise.race([sweeper.stop().then(() => 'stopped'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1_000))]);
    expect(stopped).toBe('stopped');

    for (const release of releases) release();
    await poll(() => taker.get(slow?.id as string), (task) => task.state === 'completed', 5_000, 'the taken-over task completing');
    expect(releases).toHaveLength(1);
  });
});
