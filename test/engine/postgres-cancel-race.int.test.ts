import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine-types.ts';
import { twoPostgresWorkers } from '../support/postgres-workers.ts';

const workers = twoPostgresWorkers('cancel_race', 4);

const AGENT = { id: 'agent-7', roles: ['agent' as const] };
const ALICE = { id: 'alice', roles: ['approver' as const], maxRisk: 'critical' as const };

describe('a cancel on one PostgreSQL worker racing a vote on another (found by a new-user trial)', () => {
  it('never answers stale_revision: a task still parked after the vote is cancelled', async () => {
    const [here, there] = workers.engines as [Engine, Engine];
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
    expect(await workers.stores[0]?.verifyAudit()).toMatchObject({ ok: true });
  });
});
