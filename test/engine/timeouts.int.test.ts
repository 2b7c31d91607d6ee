import { afterEach, describe, expect, it } from 'vitest';
import { policyRuntime } from '../../src/engine/default-policy-runtime.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import type { Policy, TimeoutRule } from '../../src/policy/policy-schema.ts';
import { EngineHarness } from '../support/engine-harness.ts';

const HOUR = 3_600_000;
const agentId = 'bot-1';
/** Medium risk at supervised autonomy: a human decides. */
const commit = { actionType: 'vcs:commit', title: 'commit', args: { message: 'fix' }, agentId };
/** High risk at semi (the default): a human decides. */
const push = { actionType: 'vcs:push', title: 'push', args: { branch: 'main' }, agentId };

/** The default policy, supervised company-wide, with these timeout rules. */
function policyWith(timeouts: Partial<Record<'low' | 'medium' | 'high' | 'critical', TimeoutRule>>) {
  const policy: Policy = { ...structuredClone(DEFAULT_POLICY), autonomy: { company: 'supervised', departments: {}, agents: {} } };
  policy.timeouts = { ...policy.timeouts, ...timeouts };
  return policyRuntime(policy);
}

describe('timeout policies on a simulated clock, across restarts', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness?.close();
  });

  it('denies on timeout by default after 4 h: the task ends expired, never executed', async () => {
    harness = await EngineHarness.open({ policy: policyRuntime(DEFAULT_POLICY) });
    const { task } = await harness.engine.submit(push);
    await harness.restart();
    harness.clock.advance(4 * HOUR - 1);
    expect(await harness.engine.expireDue()).toBe(0);
    await harness.restart({ crash: true });
    harness.clock.advance(1);
    expect(await harness.engine.expireDue()).toBe(1);
    expect((await harness.engine.get(task.id)).state).toBe('expired');
    expect(await harness.engine.getApproval(task.approvalId as string)).toMatchObject({ status: 'expired', decidedBy: 'system' });
    expect(harness.executor.calls).toHaveLength(0);
    expect(await harness.engine.expireDue()).toBe(0);
  });

  it('walks an escalation chain with cumulative deadlines, then denies when it is exhausted', async () => {
    harness = await EngineHarness.open({
      policy: policyWith({ medium: { kind: 'escalate', tiers: [{ afterSeconds: 3600 }, { afterSeconds: 7200 }], onExhausted: 'deny' } }),
    });
    const { task } = await harness.engine.submit(commit);
    const filed = await harness.engine.getApproval(task.approvalId as string);
    expect(Date.parse(filed.expiresAt as string) - Date.parse(filed.createdAt)).toBe(HOUR);
    harness.clock.advance(HOUR);
    expect(await harness.engine.expireDue()).toBe(1);
    const escalated = await harness.engine.getApproval(task.approvalId as string);
    expect(escalated).toMatchObject({ status: 'pending', escalationTier: 1 });
    expect(Date.parse(escalated.expiresAt as string) - Date.parse(filed.createdAt)).toBe(3 * HOUR);
    expect((await harness.engine.get(task.id)).state).toBe('parked');
    await harness.restart();
    harness.clock.advance(2 * HOUR - 1);
    expect(await harness.engine.expireDue()).toBe(0);
    harness.clock.advance(1);
    expect(await harness.engine.expireDue()).toBe(1);
    expect((await harness.engine.get(task.id)).state).toBe('expired');
    const actions = (await harness.store.readAudit({ taskId: task.id })).map((e) => e.action);
    expect(actions).toContain('approval.escalated');
    expect(actions).toContain('approval.expired');
  });

  it('a decision past a tier\'s deadline, before any sweep, meets the next tier: it is escalated first, then decided', async () => {
    harness = await EngineHarness.open({
      policy: policyWith({ medium: { kind: 'escalate', tiers: [{ afterSeconds: 3600 }, { afterSeconds: 7200 }], onExhausted: 'deny' } }),
    });
    const { task } = await harness.engine.submit(commit);
    harness.clock.advance(HOUR + 1);
    const approver = { id: 'alice', roles: ['approver' as const], maxRisk: 'critical' as const };
    const { approval } = await harness.engine.decide(task.approvalId as string, { kind: 'approve' }, approver);
    expect(approval).toMatchObject({ status: 'approved', escalationTier: 1 });
    const actions = (await harness.store.readAudit({ taskId: task.id })).map((e) => e.action);
    expect(actions).toContain('approval.escalated');
    expect(actions.indexOf('approval.escalated')).toBeLessThan(actions.indexOf('approval.approved'));
    expect(harness.executor.calls).toHaveLength(1);
  });

  it('approves on timeout for medium risk when the policy says so, and the task executes once', async () => {
    harness = await EngineHarness.open({ policy: policyWith({ medium: { kind: 'approve', afterSeconds: 60 } }) });
    const { task } = await harness.engine.submit(commit);
    await harness.restart();
    harness.clock.advance(60_000);
    expect(await harness.engine.expireDue()).toBe(1);
    expect((await harness.engine.get(task.id)).state).toBe('completed');
    expect(await harness.engine.getApproval(task.approvalId as string)).toMatchObject({ status: 'approved', decidedBy: 'system', decisionReason: 'approved on timeout' });
    expect(harness.executor.calls.map((call) => call.taskId)).toEqual([task.id]);
  });

  it('a proposer\'s short ttlSeconds lapses into a deny where the policy approves on timeout: the clock never approves sooner than the policy says', async () => {
    harness = await EngineHarness.open({ policy: policyWith({ medium: { kind: 'approve', afterSeconds: 86_400 } }) });
    const { task } = await harness.engine.submit({ ...commit, ttlSeconds: 1 });
    harness.clock.advance(1_000);
    expect(await harness.engine.expireDue()).toBe(1);
    expect((await harness.engine.get(task.id)).state).toBe('expired');
    expect(await harness.engine.getApproval(task.approvalId as string)).toMatchObject({ status: 'expired', decidedBy: 'system' });
    expect(harness.executor.calls).toHaveLength(0);
  });

  it('never approves high risk on timeout, even when an exhausted chain would approve', () => {
    const rules: TimeoutRule[] = [
      { kind: 'approve', afterSeconds: 60 },
      { kind: 'escalate', tiers: [{ afterSeconds: 60 }], onExhausted: 'approve' },
    ];
    for (const rule of rules) expect(() => policyWith({ high: rule })).toThrow(/never allowed for high risk/);
  });

  it('waits forever when the policy says wait, unless the proposal set ttlSeconds', async () => {
    harness = await EngineHarness.open({ policy: policyWith({ high: { kind: 'wait' } }) });
    const forever = await harness.engine.submit(push);
    const bounded = await harness.engine.submit({ ...push, args: { branch: 'dev' }, ttlSeconds: 30 });
    expect((await harness.engine.getApproval(forever.task.approvalId as string)).expiresAt).toBeNull();
    harness.clock.advance(365 * 24 * HOUR);
    await harness.restart();
    expect(await harness.engine.expireDue()).toBe(1);
    expect((await harness.engine.get(forever.task.id)).state).toBe('parked');
    expect((await harness.engine.get(bounded.task.id)).state).toBe('expired');
  });
});
