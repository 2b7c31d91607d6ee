import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine-types.ts';
import { twoPostgresWorkers } from '../support/postgres-workers.ts';

const workers = twoPostgresWorkers('autonomy_spread', 2);

describe('an autonomy change on one PostgreSQL worker', () => {
  it('applies on the other at once (its journal NOTIFY), not at its next sweep (found by a new-user trial)', async () => {
    const [here, there] = workers.engines as [Engine, Engine];
    const push = { actionType: 'vcs:push', title: 'push', args: { branch: 'main' }, agentId: 'agent-7' };
    expect(await there.autonomyOf('agent-7')).toBe('semi');
    await here.downgradeAutonomy('agent-7', 'security_incident', 'leaked key');
    // No sweep runs in this test: only the wake-up can bring the level over.
    await expect.poll(() => there.autonomyOf('agent-7'), { timeout: 5_000 }).toBe('locked');
    const { task } = await there.submit(push);
    expect(task).toMatchObject({ state: 'denied', autonomy: 'locked' });
  });
});
