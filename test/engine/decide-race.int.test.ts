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
 * Two workers on one store: another worker's commit can land between a decision's read of the
 * approval and its task and the decision's own commit, and a cancel reads the task and its
 * approval in two statements, across such a commit. That is a race, not a damaged row: the
 * decision or cancel is read again, never the task quarantined.
 */
describe('a decision racing another worker’s commit on the same task', () => {
  type Read = 'getTask' | 'getApproval' | 'getApprovalWithTask';
  /**
   * A store whose next read of a kind lets `work` run (the other worker's commit): before the
   * read, or after it and before its answer is handed back (the answer is then stale).
   */
  function racingStore(store: Store) {
    const pending = new Map<Read, { work: () => Promise<unknown>; after: boolean }>();
    const racing = new Proxy(store, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        if (key !== 'getTask' && key !== 'getApproval' && key !== 'getApprovalWithTask') return value.bind(target);
        return async (id: string) => {
          const race = pending.get(key);
          pending.delete(key);
          if (race && !race.after) await race.work();
          const answer = await value.call(target, id);
          if (race?.after) await race.work();
          return answer;
        };
      },
    });
    return {
      store: racing,
      beforeNext: (read: Read, work: () => Promise<unknown>) => pending.set(read, { work, after: false }),
      afterNext: (read: Read, work: () => Promise<unknown>) => pending.set(read, { work, after: true }),
    };
  }

  it('reads again and counts both votes when the other vote lands after it read the approval and the task', async () => {
    const shared = createMemoryStore();
    const race = racingStore(shared);
    const policy = testPolicy();
    const executor = new RecordingExecutor();
    const here = createEngine({ store: race.store, policy, executor });
    const there = createEngine({ store: shared, policy, executor });
    try {
      const { task } = await there.submit({ actionType: TEST_ACTIONS.quorum, title: 'deploy', agentId: 'agent-1' });
      const approvalId = task.approvalId as string;
      // Here reads the approval and the task (no votes), then bob's vote commits there: here's
      // vote is applied to the stale task, its compare-and-set loses, it reads both again.
      race.afterNext('getApprovalWithTask', () => there.decide(approvalId, { kind: 'approve' }, bob));
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
  ])('answers %s landing after its read with %s, not invalid_transition (found by a new-user trial)', async (_name, code, other) => {
    const shared = createMemoryStore();
    const race = racingStore(shared);
    const policy = testPolicy();
    const here = createEngine({ store: race.store, policy, executor: new RecordingExecutor() });
    const there = createEngine({ store: shared, policy, executor: new RecordingExecutor() });
    try {
      const { task } = await there.submit({ actionType: TEST_ACTIONS.quorum, title: 'deploy', agentId: 'agent-1' });
      const approvalId = task.approvalId as string;
      race.afterNext('getApprovalWithTask', () => other(there, approvalId));
      await expect(here.decide(approvalId, { kind: 'approve' }, alice)).rejects.toMatchObject({ code });
      expect(here.inFlight).toBe(0);
    } finally {
      await here.close();
      await there.close();
    }
  });
});
