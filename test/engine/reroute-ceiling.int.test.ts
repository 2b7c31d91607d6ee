import { afterEach, describe, expect, it } from 'vitest';
import { policyRuntime } from '../../src/engine/default-policy-runtime.ts';
import { hasCode } from '../../src/errors.ts';
import type { Principal } from '../../src/model/principal.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import type { Policy } from '../../src/policy/policy-schema.ts';
import { EngineHarness } from '../support/engine-harness.ts';

const full = policyRuntime({ ...(structuredClone(DEFAULT_POLICY) as Policy), autonomy: { company: 'full', departments: {}, agents: {} } });
const carol: Principal = { id: 'carol', roles: ['approver'], maxRisk: 'medium' };
// Medium risk, escalated by a detector whatever the autonomy: carol may decide it.
const write = { actionType: 'code:write', title: 'migration', args: { sql: 'DROP TABLE sessions' }, agentId: 'bot-1' };

describe('a reroute decides its alternative too: within the rerouter’s maxRisk', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness?.close();
  });

  it('refuses (risk_exceeds_role) an alternative riskier than the rerouter may decide, changing nothing', async () => {
    // Found by the decisions security trial: carol (maxRisk medium) rerouted a medium task to
    // db:mutate (high); at the agent's full autonomy it ran at once, decided by nobody allowed to.
    harness = await EngineHarness.open({ policy: full });
    const { task } = await harness.engine.submit(write);
    expect([task.state, task.riskLevel]).toEqual(['parked', 'medium']);
    const reroute = { kind: 'reroute' as const, reason: 'use the admin path', alternative: { actionType: 'db:mutate', args: { sql: 'DELETE FROM users' } } };
    const refused = await harness.engine.decide(task.approvalId as string, reroute, carol).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(hasCode(refused, 'risk_exceeds_role')).toBe(true);
    expect(harness.executor.calls).toHaveLength(0);
    expect((await harness.engine.getApproval(task.approvalId as string)).status).toBe('pending');
    const safer = { kind: 'reroute' as const, reason: 'read first', alternative: { actionType: 'code:read', args: { path: 'schema.sql' } } };
    const done = await harness.engine.decide(task.approvalId as string, safer, carol);
    expect(done.alternativeTask?.state).toBe('completed');
  });
});
