import { afterEach, describe, expect, it } from 'vitest';
import { policyRuntime } from '../../src/engine/default-policy-runtime.ts';
import type { Principal } from '../../src/model/principal.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import type { Policy } from '../../src/policy/policy-schema.ts';
import { EngineHarness } from '../support/engine-harness.ts';

const alice: Principal = { id: 'alice', roles: ['approver'], maxRisk: 'critical' };
const bob: Principal = { id: 'bob', roles: ['approver'], maxRisk: 'critical' };
const push = { actionType: 'vcs:push', title: 'push release', args: { branch: 'release/1.4' }, agentId: 'bot-1' };

const original = policyRuntime(DEFAULT_POLICY);
const variant = (change: (policy: Policy) => Policy) => policyRuntime(change(structuredClone(DEFAULT_POLICY) as Policy));

/** Parks a push under the default policy, restarts with `next`, and approves once. */
async function approveAfterPolicyChange(harness: EngineHarness, next: ReturnType<typeof policyRuntime>) {
  const { task } = await harness.engine.submit(push);
  expect(task.state).toBe('parked');
  await harness.restart({ policy: next });
  return harness.engine.decide(task.approvalId as string, { kind: 'approve', comment: 'ok' }, alice);
}

describe('an approval binds the policy it was given under', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness?.close();
  });

  it('executes at once when the policy is unchanged (no second judgement)', async () => {
    harness = await EngineHarness.open({ policy: original });
    const { task } = await approveAfterPolicyChange(harness, original);
    expect(task.state).toBe('completed');
    expect((await harness.engine.get(task.id)).history?.map((h) => h.to)).not.toContain('reevaluating');
  });

  it('judges the task again under a new policy and runs it when the new policy still allows it', async () => {
    harness = await EngineHarness.open({ policy: original });
    const relabelled = variant((policy) => ({ ...policy, version: 'relabelled' }));
    expect(relabelled.version).not.toBe(original.version);
    const { task } = await approveAfterPolicyChange(harness, relabelled);
    expect(task.state).toBe('completed');
    const history = (await harness.engine.get(task.id)).history?.map((h) => h.to);
    expect(history).toEqual(['proposed', 'evaluating', 'awaitingHuman', 'parked', 'resumed', 'reevaluating', 'executing', 'completed']);
    expect(harness.executor.calls).toHaveLength(1);
  });

  it('denies, with the reason, a task the new policy denies — never executing it', async () => {
    harness = await EngineHarness.open({ policy: original });
    const strict = variant((policy) => ({ ...policy, hardDeny: [...policy.hardDeny, 'vcs:push'] }));
    const { task, approval } = await approveAfterPolicyChange(harness, strict);
    expect(approval.status).toBe('approved');
    expect(task.state).toBe('denied');
    expect(task.error).toMatchObject({ code: 'policy_changed' });
    expect(task.error?.message).toContain('now denies it');
    expect(task.error?.message).toContain('hard-deny');
    expect(harness.executor.calls).toHaveLength(0);
    const denied = harness.events.find((e) => e.type === 'task.denied' && e.taskId === task.id);
    expect(denied?.data?.reason).toContain('policy changed');
  });

  it('denies a task whose new policy needs more approvals than it got', async () => {
    harness = await EngineHarness.open({ policy: original });
    const critical = variant((policy) => ({ ...policy, actions: { ...policy.actions, 'vcs:push': 'critical' } }));
    const { task } = await approveAfterPolicyChange(harness, critical);
    expect(task.state).toBe('denied');
    expect(task.error?.message).toContain('needs 2 approvals');
    expect(harness.executor.calls).toHaveLength(0);
  });

  it('counts every vote of a quorum against the new policy', async () => {
    harness = await EngineHarness.open({ policy: original });
    const production = { ...push, actionType: 'deploy:production', title: 'deploy' };
    const { task } = await harness.engine.submit(production);
    await harness.engine.decide(task.approvalId as string, { kind: 'approve' }, alice);
    await harness.restart({ policy: variant((policy) => ({ ...policy, version: 'v2' })) });
    const done = await harness.engine.decide(task.approvalId as string, { kind: 'approve' }, bob);
    expect(done.task.state).toBe('completed');
  });

  it('denies a task the new policy rates riskier than the approval its approver was allowed to give', async () => {
    // Found by the decisions security trial: carol (maxRisk medium) approved a medium push, the
    // policy changed while it was parked to rate it high, and her approval released it.
    const supervised = (policy: Policy): Policy => ({ ...policy, autonomy: { ...policy.autonomy, company: 'supervised' } });
    const medium = variant((policy) => supervised({ ...policy, actions: { ...policy.actions, 'vcs:push': 'medium' } }));
    harness = await EngineHarness.open({ policy: medium });
    const { task } = await harness.engine.submit(push);
    expect(task.state).toBe('parked');
    expect(task.riskLevel).toBe('medium');
    await harness.restart({ policy: variant(supervised) });
    const carol: Principal = { id: 'carol', roles: ['approver'], maxRisk: 'medium' };
    const done = await harness.engine.decide(task.approvalId as string, { kind: 'approve' }, carol);
    expect(done.task.state).toBe('denied');
    expect(done.task.error).toMatchObject({ code: 'policy_changed' });
    expect(done.task.error?.message).toContain('high risk');
    expect(harness.executor.calls).toHaveLength(0);
  });
});
