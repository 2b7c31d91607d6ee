import { describe, expect, it } from 'vitest';
import type { Task } from '../../visualizer/src/api/types.ts';
import { decisionControls, REVIEW_FIRST, reviewGate } from '../../visualizer/src/logic/review-gate.ts';
import { parkedTask } from './support/parked-task.ts';

const approval = { taskId: 't-1', argsHash: 'hash-1' };
const task = (overrides: Partial<Task> = {}): Task =>
  parkedTask({
    title: 'Push',
    args: { branch: 'main' },
    verdict: { decision: 'escalate', reason: 'high risk', matchedRules: ['matrix:high/semi'], policyVersion: 'p1', argsHash: 'hash-1' },
    ...overrides,
  });

describe('nothing is decided from the queue before the request is on screen', () => {
  it('keeps every decision off until the task is read, and says why', () => {
    expect(reviewGate(approval, { status: 'idle' })).toEqual({ decide: 'none', reason: REVIEW_FIRST });
    expect(reviewGate(approval, { status: 'loading' })).toEqual({ decide: 'none', reason: 'Reading the request… Deciding waits until its arguments are on screen.' });
    const failed = reviewGate(approval, { status: 'failed', error: new TypeError('boom') });
    expect(failed.decide).toBe('none');
    expect(failed.reason).toMatch(/^The request could not be read, so it cannot be decided here: /);
    expect(reviewGate(approval, { status: 'loaded', task: task() })).toEqual({ decide: 'all', reason: null });
  });

  it('never offers approve on arguments other than those the approval was filed for', () => {
    for (const other of [task({ verdict: { ...task().verdict!, argsHash: 'hash-2' } }), task({ verdict: null }), task({ id: 't-2' })]) {
      const gate = reviewGate(approval, { status: 'loaded', task: other });
      expect(gate.decide).toBe('not-approve');
      expect(gate.reason).toMatch(/not the ones this approval was filed for/);
    }
  });

  it('turns the decisions on once reviewed; a refusal, a decision on its way or a vote already in keep theirs off', () => {
    const reviewed = reviewGate(approval, { status: 'loaded', task: task() });
    const unread = reviewGate(approval, { status: 'loading' });
    const on = { enabled: true, reason: null };
    expect(decisionControls({ refusal: null, gate: reviewed, voted: null, busy: false })).toEqual({ approve: on, reject: on, reroute: on });
    const waiting = decisionControls({ refusal: null, gate: unread, voted: null, busy: false });
    expect(Object.values(waiting).map((control) => control.enabled)).toEqual([false, false, false]);
    expect(waiting.approve.reason).toBe(unread.reason);
    // Reject and reroute need the same context as approve.
    expect(waiting.reject.reason).toBe(unread.reason);
    const refusal = { reason: 'Deciding needs the approver or admin role.', sentence: null };
    const observer = decisionControls({ refusal, gate: reviewed, voted: null, busy: false });
    expect(Object.values(observer)).toEqual([0, 1, 2].map(() => ({ enabled: false, reason: refusal.reason })));
    const voted = decisionControls({ refusal: null, gate: reviewed, voted: 'You approved (1 of 2); waiting for another approver.', busy: false });
    expect(voted).toEqual({ approve: { enabled: false, reason: 'You approved (1 of 2); waiting for another approver.' }, reject: on, reroute: on });
    const busy = decisionControls({ refusal: null, gate: reviewed, voted: null, busy: true });
    expect(Object.values(busy).map((control) => control.enabled)).toEqual([false, false, false]);
    const stale = decisionControls({ refusal: null, gate: reviewGate(approval, { status: 'loaded', task: task({ verdict: null }) }), voted: null, busy: false });
    expect([stale.approve.enabled, stale.reject.enabled, stale.reroute.enabled]).toEqual([false, true, true]);
  });
});
