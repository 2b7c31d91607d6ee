import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import type { Store } from '../../src/store/store.ts';
import { TEST_PG_URL, TestDatabase, testSchemaName } from '../store/postgres-harness.ts';

const schema = testSchemaName('autonomy_spread');
const db = new TestDatabase();
let stores: Store[] = [];
let engines: Engine[] = [];

beforeAll(async () => {
  if (!(await db.connect())) return;
  stores = await Promise.all([0, 1].map(() => openPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 2 })));
  engines = stores.map((store) => createEngine({ store }));
});
beforeEach(() => db.assertReachable());
afterAll(async () => {
  await Promise.all(engines.map((engine) => engine.close()));
  await Promise.all(stores.map((store) => store.close()));
  await db.end([schema]);
});

describe('an autonomy change on one PostgreSQL worker', () => {
  it('applies on the other at once (its journal NOTIFY), not at its next sweep (found by a new-user trial)', async () => {
    const [here, there] = engines as [Engine, Engine];
    const push = { actionType: 'vcs:push', title: 'push', args: { branch: 'main' }, agentId: 'agent-7' };
    expect(await there.autonomyOf('agent-7')).toBe('semi');
    await here.downgradeAutonomy('agent-7', 'security_incident', 'leaked key');
    // No sweep runs in this test: only the wake-up can bring the level over.
    await expect.poll(() => there.autonomyOf('agent-7'), { timeout: 5_000 }).toBe('locked');
    const { task } = await there.submit(push);
    expect(task).toMatchObject({ state: 'denied', autonomy: 'locked' });
  });
});
