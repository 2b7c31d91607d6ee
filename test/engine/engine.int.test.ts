import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../../src/model/principal.ts';
import { EngineHarness } from '../support/engine-harness.ts';
import { RecordingExecutor } from '../support/recording-executor.ts';
import { TEST_ACTIONS, TEST_DEADLINE_MS } from '../support/test-policy.ts';

const alice: Principal = { id: 'alice', roles: ['approver'], maxRisk: 'critical' };
const bob: Principal = { id: 'bob', roles: ['approver'], maxRisk: 'critical' };
const carol: Principal = { id: 'carol', roles: ['approver'] }; // maxRisk defaults to high
const agent: Principal = { id: 'agent-1', roles: ['agent'] };

const human = (i = 0) => ({ actionType: TEST_ACTIONS.human, title: `push ${i}`, args: { i }, agentId: agent.id });

describe.each(['memory', 'sqlite'] as const)('engine on %s', (kind) => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness?.close();
  });

  it('auto-approves, executes once, and records history and events in order', async () => {
    harness = await EngineHarness.open({ kind });
    const { task, created } = await harness.engine.submit({ actionType: TEST_ACTIONS.allow, title: 'read', args: { path: 'a' }, agentId: agent.id });
    expect(created).toBe(true);
    expect(task).toMatchObject({ state: 'completed', result: { executed: task.id }, riskLevel: 'low' });
    const full = await harness.engine.get(task.id);
    expect(full.history?.map((h) => h.to)).toEqual(['proposed', 'evaluating', 'autoApproved', 'executing', 'completed']);
    expect(full.history?.[0]?.from).toBeNull();
    expect(harness.events.map((e) => e.type)).toEqual(['task.proposed', 'task.evaluated', 'task.executing', 'task.completed']);
    const ids = harness.events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('parks a task (actor stopped, nothing in memory) and resumes it on approval', async () => {
    harness = await EngineHarness.open({ kind });
    const { task } = await harness.engine.submit(human());
    expect(task.state).toBe('parked');
    expect(harness.engine.inFlight).toBe(0);
    const approval = await harness.engine.getApproval(task.approvalId as string);
    expect(approval).toMatchObject({ status: 'pending', requestedBy: agent.id, requiredApprovals: 1, riskLevel: 'high' });
    const result = await harness.engine.decide(approval.id, { kind: 'approve', comment: 'fine' }, alice);
    expect(result.task.state).toBe('completed');
    expect(result.approval).toMatchObject({ status: 'approved', decidedBy: 'alice', approvals: [{ by: 'alice', comment: 'fine' }] });
    expect(harness.executor.countsByTask().get(task.id)).toBe(1);
    const audit = await harness.store.readAudit({ taskId: task.id });
    expect(audit.filter((entry) => entry.action.startsWith('approval.') && entry.action !== 'approval.submitted').map((e) => [e.action, e.actor])).toEqual([
      ['approval.approved', 'alice'],
    ]);
  });

  it('answers an idempotent resubmission with the first task', async () => {
    harness = await EngineHarness.open({ kind });
    const first = await harness.engine.submit({ ...human(), idempotencyKey: 'k-1' });
    const again = await harness.engine.submit({ ...human(), idempotencyKey: 'k-1' });
    expect(again).toMatchObject({ created: false, task: { id: first.task.id } });
    const other = await harness.engine.submit({ ...human(), agentId: 'agent-2', idempotencyKey: 'k-1' });
    expect(other.created).toBe(true);
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => harness.engine.submit({ ...human(), idempotencyKey: 'k-2' })));
    expect(new Set(concurrent.map((r) => r.task.id)).size).toBe(1);
  });

  it('rejects invalid proposals with a typed error and stores nothing', async () => {
    harness = await EngineHarness.open({ kind });
    const before = await harness.store.lastEventId();
    for (const bad of [
      { actionType: 'Not A Type', title: 'x', agentId: 'a' },
      { actionType: 'vcs:push', title: '', agentId: 'a' },
      { actionType: 'vcs:push', title: 'x', agentId: 'a', ttlSeconds: 0 },
      { actionType: 'vcs:push', title: 'x', agentId: 'a', ttlSeconds: 604_801 },
      { actionType: 'vcs:push', title: 'x', agentId: 'a', args: [] },
      { actionType: 'vcs:push', title: 'x', agentId: 'a', extra: true },
      // NUL characters: PostgreSQL's TEXT cannot hold them, so no store takes them.
      { actionType: 'vcs:push', title: 'x\u0000y', agentId: 'a' },
      { actionType: 'vcs:push', title: 'x', agentId: 'a', idempotencyKey: 'k\u0000' },
    ]) {
      await expect(harness.engine.submit(bad as never)).rejects.toMatchObject({ code: 'validation_failed' });
    }
    expect(await harness.store.lastEventId()).toBe(before);
    expect((await harness.store.listTasks({ limit: 10 })).items).toHaveLength(0);
  });

  it('enforces roles: self-approval, risk ceiling, double votes, quorum of distinct approvers', async () => {
    harness = await EngineHarness.open({ kind });
    const { task } = await harness.engine.submit({ actionType: TEST_ACTIONS.quorum, title: 'deploy', agentId: agent.id });
    const approvalId = task.approvalId as string;
    const selfApprover: Principal = { id: agent.id, roles: ['approver', 'agent'], maxRisk: 'critical' };
    await expect(harness.engine.decide(approvalId, { kind: 'approve' }, selfApprover)).rejects.toMatchObject({ code: 'self_approval' });
    await expect(harness.engine.decide(approvalId, { kind: 'approve' }, carol)).rejects.toMatchObject({ code: 'risk_exceeds_role' });
    await expect(harness.engine.decide(approvalId, { kind: 'reject', reason: 'x' }, carol)).rejects.toMatchObject({ code: 'risk_exceeds_role' });
    await expect(harness.engine.decide(approvalId, { kind: 'approve' }, { id: 'o', roles: ['observer'] })).rejects.toMatchObject({ code: 'forbidden' });
    const first = await harness.engine.decide(approvalId, { kind: 'approve' }, alice);
    expect(first.task.state).toBe('parked');
    expect(first.approval.approvals).toHaveLength(1);
    await expect(harness.engine.decide(approvalId, { kind: 'approve' }, alice)).rejects.toMatchObject({ code: 'already_voted' });
    const second = await harness.engine.decide(approvalId, { kind: 'approve' }, bob);
    expect(second.task.state).toBe('completed');
    await expect(harness.engine.decide(approvalId, { kind: 'reject', reason: 'late' }, bob)).rejects.toMatchObject({ code: 'not_pending' });
    const audit = await harness.store.readAudit({ taskId: task.id });
    expect(audit.map((e) => e.action).filter((a) => a === 'approval.vote' || a === 'approval.approved')).toEqual(['approval.vote', 'approval.approved']);
  });

  it('lets exactly one of 100 concurrent conflicting decisions take effect', async () => {
    harness = await EngineHarness.open({ kind });
    const { task } = await harness.engine.submit(human());
    const approvers = Array.from({ length: 100 }, (_, i): Principal => ({ id: `approver-${i}`, roles: ['approver'], maxRisk: 'critical' }));
    const outcomes = await Promise.allSettled(
      approvers.map((who, i) =>
        i % 2 === 0
          ? harness.engine.decide(task.approvalId as string, { kind: 'approve' }, who)
          : harness.engine.decide(task.approvalId as string, { kind: 'reject', reason: 'no' }, who),
      ),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const lost of outcomes.filter((o) => o.status === 'rejected')) {
      expect((lost as PromiseRejectedResult).reason).toMatchObject({ code: 'not_pending' });
    }
    const decisions = (await harness.store.readAudit({ taskId: task.id })).filter((e) => ['approval.approved', 'approval.rejected'].includes(e.action));
    expect(decisions).toHaveLength(1);
    expect(harness.executor.calls.length).toBeLessThanOrEqual(1);
  });

  it('reroutes to a linked alternative task', async () => {
    harness = await EngineHarness.open({ kind });
    const { task } = await harness.engine.submit(human());
    const result = await harness.engine.decide(
      task.approvalId as string,
      { kind: 'reroute', reason: 'use staging', alternative: { actionType: TEST_ACTIONS.allow, args: { target: 'staging' }, title: 'staging' } },
      alice,
    );
    expect(result.task).toMatchObject({ state: 'rerouted', alternative: { actionType: TEST_ACTIONS.allow, reason: 'use staging' } });
    expect(result.alternativeTask).toMatchObject({ state: 'completed', parentTaskId: task.id, agentId: agent.id, args: { target: 'staging' } });
    expect(result.task.alternativeTaskId).toBe(result.alternativeTask?.id);
    expect(result.approval.status).toBe('rejected');
  });

  it('submits the alternative after a crash cut in between the reroute and it', async () => {
    harness = await EngineHarness.open({ kind });
    const { task } = await harness.engine.submit(human());
    // The reroute's commit goes through; the alternative's never reaches the store.
    harness.store.cutAfter(1);
    await harness.engine
      .decide(task.approvalId as string, { kind: 'reroute', reason: 'use staging', alternative: { actionType: TEST_ACTIONS.allow, args: { target: 'staging' } } }, alice)
      .catch(() => undefined);
    expect((await harness.engine.get(task.id)).state).toBe('rerouted');
    expect(await harness.store.getTask(`${task.id}-alt`)).toBeNull();
    await harness.restart({ crash: true });
    const alternative = await harness.engine.get(`${task.id}-alt`);
    expect(alternative).toMatchObject({ state: 'completed', parentTaskId: task.id, args: { target: 'staging' } });
    await harness.restart();
    expect((await harness.store.listReroutesWithoutAlternative(10)).map((t) => t.id)).toEqual([]);
  });

  it('cancels a parked task (its agent or an admin only), and refuses to cancel a terminal one', async () => {
    harness = await EngineHarness.open({ kind });
    const { task } = await harness.engine.submit(human());
    await expect(harness.engine.cancel(task.id, { id: 'someone-else', roles: ['agent'] })).rejects.toMatchObject({ code: 'forbidden' });
    const cancelled = await harness.engine.cancel(task.id, agent);
    expect(cancelled.state).toBe('cancelled');
    expect((await harness.engine.getApproval(task.approvalId as string)).status).toBe('cancelled');
    await expect(harness.engine.cancel(task.id, { id: 'root', roles: ['admin'] })).rejects.toMatchObject({ code: 'invalid_transition' });
    await expect(harness.engine.cancel('nope', agent)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('expires approvals past their deadline on the simulated clock, and not before', async () => {
    harness = await EngineHarness.open({ kind });
    const { task } = await harness.engine.submit(human());
    harness.clock.advance(TEST_DEADLINE_MS - 1);
    expect(await harness.engine.expireDue()).toBe(0);
    harness.clock.advance(1);
    expect(await harness.engine.expireDue()).toBe(1);
    const expired = await harness.engine.get(task.id);
    expect(expired.state).toBe('expired');
    expect((await harness.engine.getApproval(task.approvalId as string)).status).toBe('expired');
    expect(harness.executor.calls).toHaveLength(0);
  });

  it('honours ttlSeconds for the deadline', async () => {
    harness = await EngineHarness.open({ kind });
    const { task } = await harness.engine.submit({ ...human(), ttlSeconds: 1 });
    const approval = await harness.engine.getApproval(task.approvalId as string);
    expect(Date.parse(approval.expiresAt as string) - Date.parse(approval.createdAt)).toBe(1000);
  });

  it('fails closed when SecOps throws', async () => {
    harness = await EngineHarness.open({ kind });
    const { task } = await harness.engine.submit({ actionType: TEST_ACTIONS.secOpsThrows, title: 'x', agentId: agent.id });
    expect(task).toMatchObject({ state: 'denied', error: { code: 'secops_failed' } });
  });
});

describe('engine recovery on sqlite', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness?.close();
  });

  it('keeps parked tasks and pending approvals across a restart, and resumes them', async () => {
    harness = await EngineHarness.open();
    const parked = await Promise.all(Array.from({ length: 20 }, (_, i) => harness.engine.submit(human(i))));
    await harness.restart();
    const pending = await harness.engine.listApprovals({ status: 'pending', offset: 0, limit: 50 });
    expect(pending.total).toBe(20);
    const results = await Promise.all(parked.map(({ task }) => harness.engine.decide(task.approvalId as string, { kind: 'approve' }, alice)));
    expect(results.every((r) => r.task.state === 'completed')).toBe(true);
  });

  it('continues event ids after a restart', async () => {
    harness = await EngineHarness.open();
    await harness.engine.submit(human());
    const last = await harness.store.lastEventId();
    await harness.restart();
    harness.events.length = 0;
    await harness.engine.submit(human(1));
    expect(harness.events[0]?.id).toBe(last + 1);
  });

  it('does not run a non-idempotent executor a second time after a crash mid-execution', async () => {
    let release: () => void = () => undefined;
    const executor = new RecordingExecutor();
    const slow = Object.assign(Object.create(executor), {
      execute: (request: Parameters<RecordingExecutor['execute']>[0]) => {
        executor.calls.push(request);
        return new Promise((resolve) => {
          release = () => resolve({ late: true });
        });
      },
    });
    harness = await EngineHarness.open({ executor: slow });
    const submitted = harness.engine.submit({ actionType: TEST_ACTIONS.allow, title: 'slow', agentId: agent.id }).catch(() => undefined);
    // Until the execution has started (a fixed sleep is too short on a loaded machine).
    await vi.waitFor(() => expect(executor.calls).toHaveLength(1), { timeout: 10_000 });
    await harness.restart({ crash: true });
    release();
    await submitted;
    const [record] = (await harness.store.listTasks({ limit: 1 })).items;
    const task = await harness.engine.get(record?.id as string);
    expect(task).toMatchObject({ state: 'failed', error: { code: 'execution_outcome_unknown' } });
    expect(executor.calls).toHaveLength(1);
  });

  it('runs an idempotent executor again with the same idempotency key after a crash mid-execution', async () => {
    const calls: string[] = [];
    let hang = true;
    const executor = Object.assign(new RecordingExecutor({ idempotent: true }), {
      execute: async (request: { idempotencyKey: string }) => {
        calls.push(request.idempotencyKey);
        if (hang) return new Promise(() => undefined);
        return { done: true };
      },
    });
    harness = await EngineHarness.open({ executor });
    void harness.engine.submit({ actionType: TEST_ACTIONS.allow, title: 'hangs', agentId: agent.id }).catch(() => undefined);
    // Until the first execution hangs (a fixed sleep is too short on a loaded machine).
    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 10_000 });
    hang = false;
    await harness.restart({ crash: true });
    const [record] = (await harness.store.listTasks({ limit: 1 })).items;
    expect((await harness.engine.get(record?.id as string)).state).toBe('completed');
    expect(calls).toEqual([record?.id, record?.id]);
  });
});
