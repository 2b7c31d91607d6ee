import type { Approval, Task } from '../api/types.ts';
import type { CardRefusal } from './decision-limit.ts';
import { errorSentence } from './sentences.ts';

/** Where reading a card's task stands: not asked yet, on its way, read, or failed. */
export type ReviewLoad = { status: 'idle' } | { status: 'loading' } | { status: 'loaded'; task: Task } | { status: 'failed'; error: unknown };

/** Whether what the card shows is enough to decide on, and if not, why. */
export type ReviewGate = { decide: 'all'; reason: null } | { decide: 'none' | 'not-approve'; reason: string };

/** The sentence on a card whose request is not shown yet. */
export const REVIEW_FIRST = 'Review the request first: its arguments, description and SecOps’ reasons show when you open it.';

/**
 * Whether an approver has what they must see before deciding on an approval from the queue: the
 * task's arguments, description and SecOps' reasons. Until the task is read, nothing may be
 * decided. Once read, arguments whose hash is not the one the approval was filed for are not what
 * an approve would approve: approve stays off (reject and reroute, which run nothing, stay on).
 * @example reviewGate(approval, { status: 'loading' }).decide // 'none'
 */
export function reviewGate(approval: Pick<Approval, 'taskId' | 'argsHash'>, load: ReviewLoad): ReviewGate {
  switch (load.status) {
    case 'idle':
      return { decide: 'none', reason: REVIEW_FIRST };
    case 'loading':
      return { decide: 'none', reason: 'Reading the request… Deciding waits until its arguments are on screen.' };
    case 'failed':
      return { decide: 'none', reason: `The request could not be read, so it cannot be decided here: ${errorSentence(load.error, 'load')}` };
    case 'loaded': {
      const { task } = load;
      if (task.id !== approval.taskId || !task.verdict || task.verdict.argsHash !== approval.argsHash) {
        return { decide: 'not-approve', reason: 'The arguments shown are not the ones this approval was filed for (their hash differs), so it cannot be approved here. Open the task to see what happened.' };
      }
      return { decide: 'all', reason: null };
    }
  }
}

/** One decision button's state: whether it takes a click, and the sentence saying why not. */
export interface DecisionControl {
  enabled: boolean;
  /** Why it is off (its tooltip and the line beside the buttons); null when it is on. */
  reason: string | null;
}

/** What decides whether a card's decisions take a click. */
export interface DecisionInputs {
  /** Not theirs to decide (role, own request, risk ceiling). */
  refusal: CardRefusal | null;
  gate: ReviewGate;
  /** "You approved (1 of 2); …": their vote is in, a second approve would be refused. */
  voted: string | null;
  /** A decision is on its way. */
  busy: boolean;
}

/**
 * The state of a card's three decisions: the principal's refusal first (it never lifts), then
 * the review (nothing is decided unseen), then a decision on its way, then their own vote (which
 * only turns approve off).
 * @example decisionControls({ refusal: null, gate: reviewGate(a, { status: 'idle' }), voted: null, busy: false }).approve.enabled // false
 */
export function decisionControls({ refusal, gate, voted, busy }: DecisionInputs): Record<'approve' | 'reject' | 'reroute', DecisionControl> {
  const off = (reason: string): DecisionControl => ({ enabled: false, reason });
  const on: DecisionControl = { enabled: true, reason: null };
  if (refusal) return { approve: off(refusal.reason), reject: off(refusal.reason), reroute: off(refusal.reason) };
  if (gate.decide === 'none') return { approve: off(gate.reason), reject: off(gate.reason), reroute: off(gate.reason) };
  const sending = 'A decision is on its way.';
  const other = busy ? off(sending) : on;
  const approve = gate.decide === 'not-approve' ? off(gate.reason) : busy ? off(sending) : voted ? off(voted) : on;
  return { approve, reject: other, reroute: other };
}
