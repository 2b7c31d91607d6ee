import { describe, expect, it } from 'vitest';
import type { Principal } from '../../visualizer/src/api/types.ts';
import { decisionOffer } from '../../visualizer/src/logic/decision-offer.ts';
import { watchOnlySentence } from '../../visualizer/src/logic/sentences.ts';
import { parkedTask } from './support/parked-task.ts';
import { pendingApproval } from './support/pending-approval.ts';

const alice: Principal = { id: 'alice', roles: ['approver'], maxRisk: 'critical' };
const carol: Principal = { id: 'carol', roles: ['approver'] };
const viewer: Principal = { id: 'viewer', roles: ['observer'] };
const bot: Principal = { id: 'agent-1', roles: ['agent'] };

describe('which approval a task view offers to decide (found by a new-user trial: one beyond the queue’s 200 could only be decided with the CLI)', () => {
  it('offers the task’s own approval while it is pending, to a principal who may decide it', () => {
    const approval = pendingApproval();
    expect(decisionOffer(parkedTask(), approval, alice)).toEqual({ approval, refusal: null, notice: null });
  });

  it('offers nothing once the approval is decided, expired or cancelled, nor for another task’s approval, nor signed out', () => {
    for (const status of ['approved', 'rejected', 'expired', 'cancelled'] as const) expect(decisionOffer(parkedTask(), pendingApproval({ status }), alice)).toBeNull();
    expect(decisionOffer(parkedTask(), null, alice)).toBeNull();
    expect(decisionOffer(parkedTask({ id: 't-2' }), pendingApproval(), alice)).toBeNull();
    expect(decisionOffer(parkedTask({ approvalId: 'a-2' }), pendingApproval(), alice)).toBeNull();
    expect(decisionOffer(parkedTask(), pendingApproval(), null)).toBeNull();
  });

  it('says why a principal may not decide, as the queue says it: risk above the limit, their own request', () => {
    const above = decisionOffer(parkedTask(), pendingApproval({ riskLevel: 'critical' }), carol);
    expect(above?.refusal?.reason).toBe('This is a critical-risk action and your role decides up to high risk. Ask an approver with a higher limit.');
    expect(above?.notice).toBe(above?.refusal?.reason);
    const own = decisionOffer(parkedTask(), pendingApproval({ requestedBy: 'Carol' }), carol);
    expect(own?.notice).toBe('You requested this action, so someone else must decide on it.');
  });

  it('names the missing role on the task view itself, which has no queue note above it', () => {
    for (const principal of [viewer, bot]) {
      const offer = decisionOffer(parkedTask(), pendingApproval(), principal);
      expect(offer?.refusal?.reason).toBe('Deciding needs the approver or admin role.');
      expect(offer?.notice).toBe(watchOnlySentence(principal, 'task'));
    }
    expect(watchOnlySentence(viewer, 'task')).toBe('Signed in as viewer (observer): you can read this task; deciding needs the approver or admin role.');
    expect(watchOnlySentence(bot, 'queue')).toBe('Signed in as agent-1 (agent): you can watch the queue; deciding needs the approver or admin role.');
  });
});
