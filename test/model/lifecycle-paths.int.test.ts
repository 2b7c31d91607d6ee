import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine-types.ts';
import type { Principal } from '../../src/model/principal.ts';
import type { Proposal } from '../../src/model/proposal.ts';
import { EngineHarness } from '../support/engine-harness.ts';
import { TEST_ACTIONS, TEST_DEADLINE_MS, changedTestPolicy, testPolicy } from '../support/test-policy.ts';
import { assertSafety, assertTerminalsUnchanged } from './invariants.ts';
import { CHANGED_POLICY, type PathStep, type SubmitStep, enumerateLifecyclePaths } from './paths.ts';

const APPROVERS: Principal[] = [
  { id: 'approver-0', roles: ['approver'], maxRisk: 'critical' },
  { id: 'approver-1', roles: ['approver'], maxRisk: 'critical' },
];
const AGENT: Principal = { id: 'agent-model', roles: ['agent'] };

function proposalFor(step: SubmitStep, index: number): Proposal {
  const actionType =
    step.verdict === 'allow'
      ? TEST_ACTIONS.allow
      : step.verdict === 'deny'
        ? TEST_ACTIONS.deny
        : step.verdict === 'alternative'
          ? TEST_ACTIONS.alternative
          : step.verdict === 'throws'
            ? TEST_ACTIONS.secOpsThrows
            : { high: TEST_ACTIONS.human, critical: TEST_ACTIONS.quorum, medium: TEST_ACTIONS.escalating, low: TEST_ACTIONS.approveOnTimeout }[step.risk];
  return {
    actionType,
    title: `model path task ${index}`,
    args: { index, ...(step.executor === 'fails' ? { failExecution: true } : {}) },
    agentId: AGENT.id,
  };
}

/** Applies one engine operation; returns the task's state afterwards. */
async function apply(engine: Engine, harness: EngineHarness, step: PathStep, taskId: string, approvalId: string | null): Promise<void> {
  switch (step.kind) {
    case 'approve':
      await engine.decide(approvalId as string, { kind: 'approve', comment: 'ok' }, APPROVERS[step.voter] as Principal);
      return;
    case 'reject':
      await engine.decide(approvalId as string, { kind: 'reject', reason: 'not now' }, APPROVERS[0] as Principal);
      return;
    case 'reroute':
      await engine.decide(
        approvalId as string,
        { kind: 'reroute', reason: 'safer', alternative: { actionType: TEST_ACTIONS.allow, args: { rerouted: taskId } } },
        APPROVERS[0] as Principal,
      );
      return;
    case 'timeout':
      harness.clock.advance(TEST_DEADLINE_MS + 1);
      await engine.expireDue();
      return;
    case 'cancel':
      await engine.cancel(taskId, AGENT);
      return;
    case 'submit':
      throw new Error('submit is only the first step');
  }
}

/** Every operation that could touch a terminal task: all must be refused and change nothing. */
async function pokeTerminal(engine: Engine, harness: EngineHarness, taskId: string, approvalId: string | null): Promise<void> {
  const attempts: Array<() => Promise<unknown>> = [() => engine.cancel(taskId, AGENT)];
  if (approvalId) {
    attempts.push(
      () => engine.decide(approvalId, { kind: 'approve' }, APPROVERS[0] as Principal),
      () => engine.decide(approvalId, { kind: 'approve' }, APPROVERS[1] as Principal),
      () => engine.decide(approvalId, { kind: 'reject', reason: 'late' }, APPROVERS[1] as Principal),
    );
  }
  for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject({ code: expect.stringMatching(/^(not_pending|already_voted|invalid_transition)$/) });
  harness.clock.advance(10 * TEST_DEADLINE_MS);
  expect(await engine.expireDue()).toBe(0);
}

const paths = enumerateLifecyclePaths();

describe('model-based: every path through the task machine, replayed on the engine with a crash between steps', () => {
  it('enumerates the lifecycle', () => {
    expect(paths.length).toBeGreaterThanOrEqual(50);
    const finals = new Set(paths.map((path) => path.name.split('⇒ ')[1]));
    expect([...finals].sort()).toEqual(['cancelled', 'completed', 'denied', 'expired', 'failed', 'parked', 'rerouted']);
    // Every kind of step, submission and release under a changed policy is replayed somewhere: an
    // event dropped from the traversal would otherwise only thin the paths out, unnoticed.
    const kinds = new Set(
      paths.flatMap((path) =>
        path.steps.map((step) =>
          step.kind === 'submit'
            ? `submit ${step.verdict}${step.verdict === 'escalate' ? ` ${step.risk}/${step.quorum}` : ''} ${step.executor}`
            : `${step.kind}${'policyChange' in step && step.policyChange ? ` [policy ${step.policyChange}]` : ''}`,
        ),
      ),
    );
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        'approve',
        'approve [policy allows]',
        'approve [policy denies]',
        'approve [policy throws]',
        'cancel',
        'reject',
        'reroute',
        'submit allow ok',
        'submit allow fails',
        'submit alternative ok',
        'submit deny ok',
        'submit escalate critical/2 ok',
        'submit escalate high/1 ok',
        'submit escalate low/1 ok',
        'submit escalate medium/1 ok',
        'submit throws ok',
        'timeout',
        'timeout [policy allows]',
        'timeout [policy denies]',
        'timeout [policy throws]',
      ]),
    );
  });

  it.each(paths.map((path, index) => [path.name, path, index] as const))('%s', async (_name, path, index) => {
    const [first, ...rest] = path.steps;
    if (first?.kind !== 'submit') throw new Error('a path starts with a submit');
    const harness = await EngineHarness.open({ kind: 'sqlite' });
    try {
    const before = await assertSafety(harness.store, harness.executor);
    const { task } = await harness.engine.submit(proposalFor(first, index));
    expect(task.state).toBe(path.states[0]);
    const taskId = task.id;
    const approvalId = task.approvalId;
    for (const [offset, step] of rest.entries()) {
      // A release under a changed policy runs in a process that has the new policy deployed.
      const change = 'policyChange' in step ? step.policyChange : undefined;
      await harness.restart({ crash: true, policy: change ? changedTestPolicy(change, CHANGED_POLICY) : testPolicy() });
      await apply(harness.engine, harness, step, taskId, approvalId);
      const now = await harness.engine.get(taskId);
      expect(now.state, `after ${step.kind}`).toBe(path.states[offset + 1]);
    }
    await harness.restart({ crash: true, policy: testPolicy() });
    // A crash before every step but the submit, and one after the last.
    expect(harness.restarts).toBe(rest.length + 1);
    const final = await harness.engine.get(taskId);
    expect(final.state).toBe(path.states.at(-1));
    if (final.state !== 'parked') await pokeTerminal(harness.engine, harness, taskId, approvalId);
    const after = await assertSafety(harness.store, harness.executor);
    assertTerminalsUnchanged(before, after);
    const executions = harness.executor.countsByTask().get(taskId) ?? 0;
    expect(executions).toBe(['completed', 'failed'].includes(final.state) ? 1 : 0);
    } finally {
      await harness.close();
    }
  });
});
