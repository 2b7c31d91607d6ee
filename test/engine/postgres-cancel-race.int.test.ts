import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import type { Store } from '../../src/store/store.ts';
import { TEST_PG_URL, TestDatabase, testSchemaName } from '../store/postgres-harness.ts';

const schema = testSchemaName('cancel_race');
const db = new TestDatabase();
let stores: Store[] = [];
let engines: Engine[] = [];

beforeAll(async () => {
  if (!(await db.connect())) return;
  stores = await Promise.all([0, 1].map(() => openPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 4 })));
  engines = stores.map((store) => createEngine({ store }));
});
beforeEach(() => db.assertReachable());
afterAll(async () => {
  await Promise.all(engines.map((engine) => engine.close()));
  await Promise.all(stores.map((store) => store.close()));
  await db.end([schema]);
});

const AGENT = { id: 'agent-7', roles: ['agent' as const] };
const ALICE = { id: 'alice', roles: ['approver' as const], maxRisk: 'critical' as const };

describe('a cancel on one PostgreSQL worker racing a vote on another (found by a new-user trial)', () => {
  it('never answers stale_revision: a task still parked after the vote is cancelled', async () => {
    const [here, there] = engines as [Engine, Engine];
    const deploys = await Promise.all(
      Array.from({ length: 16 }, (_, i) => here.submit({ actionType: 'deploy:production', title: `deploy ${i}`, agentId: 'agent-7' })),
    );
    const outcomes = await Promise.all(
      deploys.map(async ({ task }) => {
        // A critical task needs two approvers: one vote leaves it parked, so the cancel must win in the end.
        const [cancel, vote] = await Promise.allSettled([
          here.cancel(task.id, AGENT, 'not needed'),
          there.decide(task.approvalId as string, { kind: 'approve' }, ALICE),
        ]);
        return {
          cancel: cancel.status === 'fulfilled' ? cancel.value.state : (cancel.reason as { code: string }).code,
          vote: vote.status === 'fulfilled' ? 'voted' : (vote.reason as { code: string }).code,
          stored: (await here.get(task.id)).state,
        };
      }),
    );
    for (const outcome of outcomes) {
      expect(outcome).toEqual({ cancel: 'cancelled', vote: expect.stringMatching(/^(voted|not_pending|invalid_transition)$/), stored: 'cancelled' });
    }
    expect(await stores[0]?.verifyAudit()).toMatchObject({ ok: true });
  });
});
