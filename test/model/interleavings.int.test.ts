import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/model/principal.ts';
import type { Proposal } from '../../src/model/proposal.ts';
import { EngineHarness } from '../support/engine-harness.ts';
import { TEST_ACTIONS, TEST_DEADLINE_MS } from '../support/test-policy.ts';
import { assertSafety, assertTerminalsUnchanged } from './invariants.ts';

const KINDS = ['allow', 'deny', 'alternative', 'human', 'quorum', 'escalating', 'approveOnTimeout', 'failing', 'throws'] as const;
type Kind = (typeof KINDS)[number];

const AGENT: Principal = { id: 'agent-prop', roles: ['agent'] };
const PEOPLE: Principal[] = [
  { id: 'approver-0', roles: ['approver'], maxRisk: 'critical' },
  { id: 'approver-1', roles: ['approver'], maxRisk: 'critical' },
  { id: 'approver-low', roles: ['approver'], maxRisk: 'medium' },
  { id: AGENT.id, roles: ['approver', 'agent'], maxRisk: 'critical' }, // tries to approve its own request
];

type Command =
  | { op: 'submit'; kind: Kind }
  | { op: 'approve'; task: number; who: number }
  | { op: 'reject'; task: number; who: number }
  | { op: 'reroute'; task: number }
  | { op: 'race'; task: number; whos: number[]; rejectToo: boolean }
  | { op: 'cancel'; task: number }
  | { op: 'timeout' }
  | { op: 'restart' }
  | { op: 'crash'; afterCommits: number; burst: Kind[] };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('submit' as const), kind: fc.constantFrom(...KINDS) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('approve' as const), task: fc.nat(20), who: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reject' as const), task: fc.nat(20), who: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reroute' as const), task: fc.nat(20) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('race' as const),
      task: fc.nat(20),
      whos: fc.array(fc.nat(3), { minLength: 2, maxLength: 5 }),
      rejectToo: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), task: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('timeout' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('restart' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('crash' as const),
      afterCommits: fc.nat(6),
      burst: fc.array(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 4 }),
    }),
  },
);

function proposal(kind: Kind, index: number): Proposal {
  const actionType = {
    allow: TEST_ACTIONS.allow,
    failing: TEST_ACTIONS.allow,
    deny: TEST_ACTIONS.deny,
    alternative: TEST_ACTIONS.alternative,
    human: TEST_ACTIONS.human,
    quorum: TEST_ACTIONS.quorum,
    escalating: TEST_ACTIONS.escalating,
    approveOnTimeout: TEST_ACTIONS.approveOnTimeout,
    throws: TEST_ACTIONS.secOpsThrows,
  }[kind];
  return { actionType, title: `prop ${index}`, args: { index, ...(kind === 'failing' ? { failExecution: true } : {}) }, agentId: AGENT.id };
}

/** Only the refusals API.md promises; anything else is a bug. */
const EXPECTED_REFUSALS = /^(not_pending|already_voted|invalid_transition|self_approval|risk_exceeds_role|forbidden|not_found)$/;

async function refusedOrDone(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error);
    expect(code).toMatch(EXPECTED_REFUSALS);
    coverage.refusals += 1;
  }
}

/** What the generated runs covered, so a test that silently did nothing fails. */
const coverage = { submitted: 0, executed: 0, crashes: 0, restarts: 0, refusals: 0, finalStates: new Set<string>() };

describe('property: random interleavings of decisions, duplicates, cancels, timeouts and crashes', () => {
  it('never executes twice, never without approval, never changes a terminal task, never loses an acknowledged task', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 3, maxLength: 24 }), async (commands) => {
        const harness = await EngineHarness.open({ kind: 'sqlite' });
        const tasks: Array<{ id: string; approvalId: string | null; ackState: string }> = [];
        let snapshot = await assertSafety(harness.store, harness.executor);
        try {
          for (const cmd of commands) {
            const pick = (n: number) => tasks[n % Math.max(1, tasks.length)];
            const { engine } = harness;
            switch (cmd.op) {
              case 'submit': {
                const { task } = await engine.submit(proposal(cmd.kind, tasks.length));
                tasks.push({ id: task.id, approvalId: task.approvalId, ackState: task.state });
                coverage.submitted += 1;
                break;
              }
              case 'approve':
              case 'reject': {
                const target = pick(cmd.task);
                if (!target?.approvalId) break;
                const who = PEOPLE[cmd.who] as Principal;
                await refusedOrDone(
                  cmd.op === 'approve'
                    ? engine.decide(target.approvalId, { kind: 'approve' }, who)
                    : engine.decide(target.approvalId, { kind: 'reject', reason: 'no' }, who),
                );
                break;
              }
              case 'reroute': {
                const target = pick(cmd.task);
                if (!target?.approvalId) break;
                await refusedOrDone(
                  engine.decide(target.approvalId, { kind: 'reroute', reason: 'safer', alternative: { actionType: TEST_ACTIONS.allow } }, PEOPLE[0] as Principal),
                );
                break;
              }
              case 'race': {
                const target = pick(cmd.task);
                if (!target?.approvalId) break;
                const approvalId = target.approvalId;
                const attempts = cmd.whos.map((who) => engine.decide(approvalId, { kind: 'approve' }, PEOPLE[who] as Principal));
                if (cmd.rejectToo) attempts.push(engine.decide(approvalId, { kind: 'reject', reason: 'race' }, PEOPLE[1] as Principal));
                await Promise.all(attempts.map(refusedOrDone));
                break;
              }
              case 'cancel': {
                const target = pick(cmd.task);
                if (!target) break;
                await refusedOrDone(engine.cancel(target.id, AGENT));
                break;
              }
              case 'timeout':
                harness.clock.advance(TEST_DEADLINE_MS + 1);
                await engine.expireDue();
                break;
              case 'restart':
                await harness.restart();
                coverage.restarts += 1;
                break;
              case 'crash': {
                harness.store.cutAfter(cmd.afterCommits);
                const burst = cmd.burst.map((kind, i) => engine.submit(proposal(kind, tasks.length + i)));
                const settled = await Promise.allSettled(burst);
                for (const outcome of settled) {
                  if (outcome.status === 'fulfilled') {
                    const { task } = outcome.value;
                    tasks.push({ id: task.id, approvalId: task.approvalId, ackState: task.state });
                  }
                }
                await harness.restart({ crash: true });
                coverage.crashes += 1;
                break;
              }
            }
            const next = await assertSafety(harness.store, harness.executor);
            assertTerminalsUnchanged(snapshot, next);
            snapshot = next;
          }
          // Nothing acknowledged is lost.
          for (const task of tasks) expect(snapshot.has(task.id), `acknowledged task ${task.id} lost`).toBe(true);
          for (const { state } of snapshot.values()) coverage.finalStates.add(state);
          coverage.executed += harness.executor.calls.length;
        } finally {
          await harness.close();
        }
      }),
      { numRuns: Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 200) },
    );
    expect(coverage.submitted).toBeGreaterThan(100);
    expect(coverage.executed).toBeGreaterThan(20);
    expect(coverage.crashes).toBeGreaterThan(5);
    expect(coverage.restarts).toBeGreaterThan(5);
    expect(coverage.refusals).toBeGreaterThan(10);
    expect([...coverage.finalStates].sort()).toEqual(
      expect.arrayContaining(['cancelled', 'completed', 'denied', 'expired', 'failed', 'parked', 'rerouted']),
    );
    console.info('interleavings covered', { ...coverage, finalStates: [...coverage.finalStates].sort() });
  });
});
