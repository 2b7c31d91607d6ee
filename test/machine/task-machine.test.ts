import { describe, expect, it } from 'vitest';
import { type AnyActorRef, createActor, waitFor } from 'xstate';
import { decodeEnvelope, encodeEnvelope } from '../../machines/envelope.ts';
import type { TaskEmitted } from '../../machines/task-events.ts';
import { taskMachine } from '../../machines/task.machine.ts';
import { approvalFor, stubActors, verdictOf } from '../support/stub-actors.ts';

const proposal = { actionType: 'vcs:push', title: 'push', args: { branch: 'main' }, agentId: 'agent-1' };

function start(decision: Parameters<typeof verdictOf>[0], options: Parameters<typeof stubActors>[0] | null = null) {
  const machine = taskMachine.provide({ actors: stubActors(options ?? { verdict: () => verdictOf(decision) }) });
  const actor = createActor(machine, { input: { taskId: 't1', proposal } });
  const emitted: TaskEmitted[] = [];
  actor.on('*', (event) => emitted.push(event as TaskEmitted));
  actor.start();
  actor.send({ type: 'EVALUATE' });
  return { actor, emitted, machine };
}

/** Round-trips through JSON, as a process boundary would. */
function restore(actor: AnyActorRef, machine: typeof taskMachine) {
  const snapshot = decodeEnvelope(encodeEnvelope(actor.getPersistedSnapshot()));
  actor.stop();
  const restored = createActor(machine, { snapshot: snapshot as never, input: undefined as never });
  restored.start();
  return restored;
}

const lifecycle = (emitted: TaskEmitted[]) =>
  emitted.flatMap((event) =>
    event.type === 'tollgate.lifecycle' ? [event.event.type] : event.lifecycle ? [event.lifecycle.type] : [],
  );

describe('task machine', () => {
  it('runs an allowed task straight through autoApproved to completed', async () => {
    const { actor, emitted } = start('allow');
    await waitFor(actor, (s) => s.status === 'done');
    expect(actor.getSnapshot().value).toBe('completed');
    expect(actor.getSnapshot().context.result).toEqual({ ok: true });
    const steps = emitted.flatMap((e) => (e.type === 'tollgate.step' ? [e.to] : []));
    expect(steps).toEqual(['proposed', 'evaluating', 'autoApproved', 'executing', 'completed']);
    expect(lifecycle(emitted)).toEqual(['task.proposed', 'task.evaluated', 'task.executing', 'task.completed']);
  });

  it('denies, reroutes, and parks by verdict', async () => {
    const denied = start('deny').actor;
    await waitFor(denied, (s) => s.status === 'done');
    expect(denied.getSnapshot().value).toBe('denied');

    const rerouted = start('alternative').actor;
    await waitFor(rerouted, (s) => s.status === 'done');
    expect(rerouted.getSnapshot().value).toBe('rerouted');
    expect(rerouted.getSnapshot().context.alternative?.actionType).toBe('vcs:push');

    const { actor, emitted } = start('escalate');
    await waitFor(actor, (s) => s.value === 'parked');
    expect(actor.getSnapshot().context.approval?.status).toBe('pending');
    expect(lifecycle(emitted)).toEqual(['task.proposed', 'task.evaluated', 'approval.submitted', 'task.parked']);
  });

  it('fails closed when SecOps throws or the approval store fails', async () => {
    const { actor } = start('allow', {
      verdict: () => {
        throw new Error('rule exploded');
      },
    });
    await waitFor(actor, (s) => s.status === 'done');
    expect(actor.getSnapshot().value).toBe('denied');
    expect(actor.getSnapshot().context.error?.code).toBe('secops_failed');

    const noStore = start('escalate', {
      verdict: () => verdictOf('escalate'),
      approval: () => {
        throw new Error('disk full');
      },
    }).actor;
    await waitFor(noStore, (s) => s.status === 'done');
    expect(noStore.getSnapshot().value).toBe('denied');
  });

  it('needs a quorum of distinct approvers, across a restore', async () => {
    const { actor, machine } = start('escalate', { verdict: () => verdictOf('escalate', { requiredApprovals: 2, riskLevel: 'critical' }) });
    await waitFor(actor, (s) => s.value === 'parked');
    let live = restore(actor, machine);
    live.send({ type: 'APPROVE', by: 'alice', at: '2026-01-01T00:01:00.000Z' });
    live.send({ type: 'APPROVE', by: 'alice', at: '2026-01-01T00:02:00.000Z' });
    expect(live.getSnapshot().value).toBe('parked');
    expect(live.getSnapshot().context.approval?.approvals).toHaveLength(1);
    live = restore(live, machine);
    live.send({ type: 'APPROVE', by: 'bob', at: '2026-01-01T00:03:00.000Z' });
    await waitFor(live, (s) => s.status === 'done');
    expect(live.getSnapshot().value).toBe('completed');
    expect(live.getSnapshot().context.approval).toMatchObject({ status: 'approved', decidedBy: 'bob' });
  });

  it('counts voters by identity, as the engine judges them: Alice, alice and a Cyrillic а-lice are one voter', async () => {
    const { actor } = start('escalate', { verdict: () => verdictOf('escalate', { requiredApprovals: 2, riskLevel: 'critical' }) });
    await waitFor(actor, (s) => s.value === 'parked');
    actor.send({ type: 'APPROVE', by: 'alice', at: '2026-01-01T00:01:00.000Z' });
    for (const alike of ['Alice', '\u0430lice', ' alice ']) actor.send({ type: 'APPROVE', by: alike, at: '2026-01-01T00:02:00.000Z' });
    expect(actor.getSnapshot().value).toBe('parked');
    expect(actor.getSnapshot().context.approval?.approvals.map((vote) => vote.by)).toEqual(['alice']);
    actor.send({ type: 'APPROVE', by: 'bob', at: '2026-01-01T00:03:00.000Z' });
    await waitFor(actor, (s) => s.status === 'done');
    expect(actor.getSnapshot().value).toBe('completed');
  });

  it('refuses to release a task whose approval is bound to other arguments', async () => {
    const { actor } = start('escalate', {
      verdict: () => verdictOf('escalate'),
      approval: (input) => approvalFor(input, { argsHash: 'other-args' }),
    });
    await waitFor(actor, (s) => s.value === 'parked');
    actor.send({ type: 'APPROVE', by: 'alice', at: '2026-01-01T00:01:00.000Z' });
    expect(actor.getSnapshot().value).toBe('denied');
    expect(actor.getSnapshot().context.error?.code).toBe('approval_binding_mismatch');
  });

  it('applies timeout policies: deny, escalation tiers, approve only for low and medium', async () => {
    const deny = start('escalate').actor;
    await waitFor(deny, (s) => s.value === 'parked');
    deny.send({ type: 'TIMEOUT', at: '2026-01-01T04:00:00.000Z' });
    expect(deny.getSnapshot().value).toBe('expired');
    expect(deny.getSnapshot().context.approval?.status).toBe('expired');

    const chain = start('escalate', {
      verdict: () => verdictOf('escalate'),
      approval: (input) =>
        approvalFor(input, {
          onTimeout: 'escalate',
          escalationDeadlines: ['2026-01-01T08:00:00.000Z'],
          onEscalationExhausted: 'deny',
        }),
    }).actor;
    await waitFor(chain, (s) => s.value === 'parked');
    chain.send({ type: 'TIMEOUT', at: '2026-01-01T04:00:00.000Z' });
    expect(chain.getSnapshot().value).toBe('parked');
    expect(chain.getSnapshot().context.approval).toMatchObject({ escalationTier: 1, expiresAt: '2026-01-01T08:00:00.000Z', onTimeout: 'deny' });
    chain.send({ type: 'TIMEOUT', at: '2026-01-01T08:00:00.000Z' });
    expect(chain.getSnapshot().value).toBe('expired');

    const approveHigh = start('escalate', {
      verdict: () => verdictOf('escalate', { riskLevel: 'high' }),
      approval: (input) => approvalFor(input, { onTimeout: 'approve' }),
    }).actor;
    await waitFor(approveHigh, (s) => s.value === 'parked');
    approveHigh.send({ type: 'TIMEOUT', at: '2026-01-01T04:00:00.000Z' });
    expect(approveHigh.getSnapshot().value).toBe('expired');

    const approveLow = start('escalate', {
      verdict: () => verdictOf('escalate', { riskLevel: 'low' }),
      approval: (input) => approvalFor(input, { onTimeout: 'approve' }),
    }).actor;
    await waitFor(approveLow, (s) => s.value === 'parked');
    approveLow.send({ type: 'TIMEOUT', at: '2026-01-01T04:00:00.000Z' });
    await waitFor(approveLow, (s) => s.status === 'done');
    expect(approveLow.getSnapshot().value).toBe('completed');
  });

  it('rejects, reroutes and cancels only while pending; terminal states ignore everything', async () => {
    for (const [event, state] of [
      [{ type: 'REJECT', by: 'alice', at: 'x', reason: 'no' }, 'denied'],
      [{ type: 'REROUTE', by: 'alice', at: 'x', reason: 'safer', alternative: { actionType: 'deploy:staging' } }, 'rerouted'],
      [{ type: 'CANCEL', by: 'agent-1', at: 'x' }, 'cancelled'],
    ] as const) {
      const { actor } = start('escalate');
      await waitFor(actor, (s) => s.value === 'parked');
      actor.send(event);
      expect(actor.getSnapshot().value).toBe(state);
      const before = actor.getSnapshot();
      actor.send({ type: 'APPROVE', by: 'bob', at: 'y' });
      actor.send({ type: 'TIMEOUT', at: 'y' });
      expect(actor.getSnapshot()).toBe(before);
    }
  });

  it('marks a failed execution as failed with the error', async () => {
    const { actor } = start('allow', {
      verdict: () => verdictOf('allow'),
      execute: () => {
        throw Object.assign(new Error('HTTP 500'), { code: 'upstream_error' });
      },
    });
    await waitFor(actor, (s) => s.status === 'done');
    expect(actor.getSnapshot().value).toBe('failed');
    expect(actor.getSnapshot().context.error).toEqual({ code: 'upstream_error', message: 'HTTP 500' });
  });
});
