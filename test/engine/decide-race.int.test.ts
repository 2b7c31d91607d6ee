import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { Principal } from '../../src/model/principal.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import type { Store } from '../../src/store/store.ts';
import { RecordingExecutor } from '../support/recording-executor.ts';
import { TEST_ACTIONS, testPolicy } from '../support/test-policy.ts';

const alice: Principal = { id: 'alice', roles: ['approver'], maxRisk: 'critical' };
const bob: Principal = { id: 'bob', roles: ['approver'], maxRisk: 'critical' };

/**
 * Two workers on one store: a task's row and its approval are written in one transaction but read
 * in two statements, so a worker can read them across another worker's commit. That is a race,
 * not a damaged row: the decision is read again, never the task quarantined.
 */
describe('a decision racing another worker’s commit on the same task', () => {
  /** A store whose next read of a kind first lets `work` run (the other worker's commit). */
  function racingStore(store: Store) {
    const pending = new Map<'getTask' | 'getApproval', () => Promise<unknown>>();
    const racing = new Proxy(store, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        if (key !== 'getTask' && key !== 'getApproval') return value.bind(target);
        return async (id: string) => {
          const work = pending.get(key);
          pending.delete(key);
          if (work) await work();
          return value.call(target, id);
        };
      },
    });
    return { store: racing, beforeNext: (read: 'getTask' | 'getApproval', work: () => Promise<unknown>) => pending.set(read, work) };
  }

  it('reads again and counts both votes when the other vote lands between its approval read and its task read', async () => {
    const shared = createMemoryStore();
    const race = racingStore(shared);
    const policy = testPolicy();
    const executor = new RecordingExecutor();
    const here = createEngine({ store: race.store, policy, executor });
    const there = createEngine({ store: shared, policy, executor });
    try {
      const { task } = await there.submit({ actionType: TEST_ACTIONS.quorum, title: 'deploy', agentId: 'agent-1' });
      const approvalId = task.approvalId as string;
      // Here reads the approval (no votes), then, before it reads the task, bob's vote commits there.
      race.beforeNext('getTask', () => there.decide(approvalId, { kind: 'approve' }, bob));
      const decided = await here.decide(approvalId, { kind: 'approve' }, alice);

      expect(decided.task.state).toBe('completed');
      expect(decided.approval.approvals.map((vote) => vote.by).sort()).toEqual(['alice', 'bob']);
      const stored = await shared.getTask(task.id);
      expect(stored?.state).toBe('completed');
      expect(executor.calls).toHaveLength(1);
      const audit = await shared.readAudit({ taskId: task.id });
      expect(audit.map((entry) => entry.action)).not.toContain('task.quarantined');
    } finally {
      await here.close();
      await there.close();
    }
  });

  it('cancels, neither quarantining nor answering a conflict, when a vote lands between its task read and its approval read', async () => {
    const shared = createMemoryStore();
    const race = racingStore(shared);
    const policy = testPolicy();
    const here = createEngine({ store: race.store, policy, executor: new RecordingExecutor() });
    const there = createEngine({ store: shared, policy, executor: new RecordingExecutor() });
    try {
      const { task } = await there.submit({ actionType: TEST_ACTIONS.quorum, title: 'deploy', agentId: 'agent-1' });
      // Cancel reads the task (through `here`'s store), then the vote commits, then it reads the approval.
      race.beforeNext('getApproval', () => there.decide(task.approvalId as string, { kind: 'approve' }, bob));
      // Its compare-and-set lost to the vote, the cancel reads the task again: still parked, it is cancelled.
      expect((await here.cancel(task.id, { id: 'agent-1', roles: ['agent'] })).state).toBe('cancelled');
      expect((await shared.getTask(task.id))?.state).toBe('cancelled');
      const approval = await shared.getApproval(task.approvalId as string);
      expect([approval?.status, approval?.approvals.map((vote) => vote.by)]).toEqual(['cancelled', ['bob']]);
    } finally {
      await here.close();
      await there.close();
    }
  });

  it.each([
    ['the same approver\'s vote', 'already_voted', (there: ReturnType<typeof createEngine>, id: string) => there.decide(id, { kind: 'approve' }, alice)],
    ['a rejection', 'not_pending', (there: ReturnType<typeof createEngine>, id: string) => there.decide(id, { kind: 'reject', reason: 'no' }, bob)],
  ])('answers %s landing between the two reads with %s, not invalid_transition (found by a new-user trial)', async (_name, code, other) => {
    const shared = createMemoryStore();
    const race = racingStore(shared);
    const policy = testPolicy();
    const here = createEngine({ store: race.store, policy, executor: new RecordingExecutor() });
    const there = createEngine({ store: shared, policy, executor: new RecordingExecutor() });
    try {
      const { task } = await there.submit({ actionType: TEST_ACTIONS.quorum, title: 'deploy', agentId: 'agent-1' });
      const approvalId = task.approvalId as string;
      race.beforeNext('getTask', () => other(there, approvalId));
      await expect(here.decide(approvalId, { kind: 'approve' }, alice)).rejects.toMatchObject({ code });
      expect(here.inFlight).toBe(0);
    } finally {
      await here.close();
      await there.close();
    }
  });
});
