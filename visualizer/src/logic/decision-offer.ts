import type { Approval, Principal, Task } from '../api/types.ts';
import { type CardRefusal, cardRefusal } from './decision-limit.ts';
import { watchOnlySentence } from './sentences.ts';

/** What a task's view offers on its approval: the decisions, or why the principal may not take them. */
export interface DecisionOffer {
  approval: Approval;
  /** Why the decisions are off for this principal (null: they may decide). */
  refusal: CardRefusal | null;
  /** The refusal as the view says it (null: nothing to say). */
  notice: string | null;
}

/**
 * Whether a task's view offers decisions on its approval: while that approval is pending, to
 * whoever is signed in — with the refusal the queue's card would show when they may not decide
 * it (above their limit, their own request). Without a deciding role, the view says so itself,
 * since no queue note stands above it.
 * @example decisionOffer(task, approval, carol)?.notice // 'This is a critical-risk action …' or null
 */
export function decisionOffer(task: Task, approval: Approval | null, principal: Principal | null): DecisionOffer | null {
  if (!approval || !principal || approval.status !== 'pending') return null;
  if (approval.taskId !== task.id || task.approvalId !== approval.id) return null;
  const refusal = cardRefusal(approval, principal);
  const notice = refusal ? (refusal.sentence ?? watchOnlySentence(principal, 'task')) : null;
  return { approval, refusal, notice };
}
