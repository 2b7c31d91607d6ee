import type { Approval, Principal, Task } from '../api/types.ts';
import { decisionOffer } from '../logic/decision-offer.ts';
import { ApprovalDecision, type DecisionActions } from './approval-decision.ts';
import { h } from './dom.ts';

/**
 * The task view's decision on the task's pending approval: the queue card's Approve, Reject and
 * Reroute… (`ApprovalDecision`), for any approval — one past the 200 the queue shows too. The
 * view itself is the review: the request's description, SecOps' verdict, reasons and suggestion
 * and the arguments are on screen above it, read with the approval they are checked against
 * (`reviewGate`: Approve stays off when the arguments' hash is not the approval's). A principal
 * who may not decide it is told why, as on the card. The section is kept across the view's live
 * redraws while it is the same approval for the same principal, so a half-typed reason survives
 * another approver's vote.
 * @example const decision = new TaskDecision(actions); detail.append(decision.section(task, approval, principal));
 */
export class TaskDecision {
  readonly #actions: DecisionActions;
  #kept: { key: string; task: Task; decision: ApprovalDecision; element: HTMLElement } | null = null;

  constructor(actions: DecisionActions) {
    this.#actions = actions;
  }

  /** The section for this task as it is now; null when there is nothing to decide (no approval, or no longer pending). */
  section(task: Task, approval: Approval | null, principal: Principal | null): HTMLElement | null {
    const offer = principal ? decisionOffer(task, approval, principal) : null;
    if (!offer || !principal) {
      this.#kept = null;
      return null;
    }
    const key = JSON.stringify([principal.id, offer.approval.id]);
    if (this.#kept?.key === key) {
      this.#kept.task = task;
      this.#kept.decision.update(offer.approval);
      return this.#kept.element;
    }
    const decision = new ApprovalDecision(offer.approval, principal, this.#actions, {
      review: () => ({ status: 'loaded', task: this.#kept?.task ?? task }),
      notice: () => offer.notice,
    });
    const element = h(
      'section',
      { class: 'detail-section detail-decision', 'aria-labelledby': 'detail-decision-title' },
      h('h3', { id: 'detail-decision-title' }, 'Your decision'),
      offer.refusal ? null : h('p', { class: 'muted small' }, 'On the request as shown above: its arguments, description and SecOps’ reasons.'),
      decision.notices,
      decision.element,
      decision.message,
    );
    this.#kept = { key, task, decision, element };
    return element;
  }

  /** Lets the decision go (no task shown). */
  clear(): void {
    this.#kept = null;
  }

  /** Whether keyboard focus is in the decision, or was when a decision was sent (the view moves it on when the section goes). */
  get hadFocus(): boolean {
    const kept = this.#kept;
    if (!kept) return false;
    const active = document.activeElement;
    return kept.element.contains(active) || (kept.decision.focusedWhenSent && (active === null || active === document.body));
  }
}
