import type { Approval, Principal, Task } from '../api/types.ts';
import { SETTLING_SENTENCE } from '../logic/card-settling.ts';
import { formatCountdown, msUntil, urgency } from '../logic/countdown.ts';
import { visibleText } from '../../../src/util/visible-text.ts';
import { ApprovalDecision, type DecisionActions } from './approval-decision.ts';
import { CardReview } from './card-review.ts';
import { h, replaceChildren } from './dom.ts';
import { sameIdentity } from '../../../src/model/principal-id.ts';

/** What a card asks the page to do. */
export interface CardActions extends DecisionActions {
  openTask(taskId: string): void;
  /** The task an approval is for (`GET /tasks/{id}`): what the approver reviews before deciding. */
  readTask(taskId: string): Promise<Task>;
}

/**
 * One pending approval in the queue: risk, what and who, votes and a live countdown; opened
 * ("Review request"), what is asked — arguments, description, SecOps' reasons — and under it the
 * three decisions, which stay off until that is on screen. Updated in place when the approval
 * changes, so an open review and a half-typed reason survive refreshes of the queue.
 * @example const card = new ApprovalCard(approval, principal, actions); queue.append(card.element);
 */
export class ApprovalCard {
  readonly element: HTMLElement;
  #approval: Approval;
  readonly #principal: Principal | null;
  readonly #meta: HTMLElement;
  readonly #countdown: HTMLElement;
  readonly #votes: HTMLElement;
  readonly #review: CardReview;
  /** Approve, Reject and Reroute…, shared with the task view. */
  readonly #decision: ApprovalDecision;
  /** Until when (performance.now()) decisions are ignored: the card just moved or appeared. */
  #steadyAt = 0;
  #shows = '';
  #settleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(approval: Approval, principal: Principal | null, actions: CardActions) {
    this.#approval = approval;
    this.#principal = principal;
    this.#meta = h('p', { class: 'card-meta' });
    this.#countdown = h('span', { class: 'countdown', 'data-expires': approval.expiresAt ?? '' });
    this.#votes = h('span', { class: 'votes' });
    const idBase = `approval-${cssSafe(approval.id)}`;
    // The decisions sit inside the review: nothing is decided before the request is on screen.
    this.#decision = new ApprovalDecision(approval, principal, actions, {
      // (Asked once before the review below exists: nothing is read yet then.)
      review: () => this.#review?.load ?? { status: 'idle' },
      steady: () => this.settled,
      unsteadySentence: SETTLING_SENTENCE,
    });
    this.#review = new CardReview(`${idBase}-review`, approval.taskId, (taskId) => actions.readTask(taskId), this.#decision.element, () => this.#decision.sync());
    this.element = h(
      'li',
      { class: `card risk-edge-${approval.riskLevel}`, 'data-approval-id': approval.id, 'aria-labelledby': `${idBase}-title` },
      h(
        'div',
        { class: 'card-top' },
        h('span', { class: `risk risk-${approval.riskLevel}` }, approval.riskLevel),
        h('h3', { id: `${idBase}-title`, class: 'card-title' }, visibleText(approval.title)),
        this.#countdown,
      ),
      this.#meta,
      h('div', { class: 'card-actions' }, this.#review.toggle, h('button', { type: 'button', class: 'link', onclick: () => actions.openTask(approval.taskId) }, 'Open task')),
      this.#decision.notices,
      this.#review.element,
      this.#decision.message,
    );
    // Escape closes the open review (after any form in it, which takes the first Escape) and
    // gives focus back to the button that opened it.
    this.element.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || event.defaultPrevented || !this.#review.isOpen) return;
      event.preventDefault();
      this.#review.setOpen(false);
      this.#review.toggle.focus();
    });
    if (this.#decision.refusal) this.element.classList.add('not-yours');
    this.update(approval);
  }

  get approval(): Approval {
    return this.#approval;
  }

  /** Shows the approval's current votes and deadline (nothing to do when they are the same). */
  update(approval: Approval): void {
    const shows = JSON.stringify([approval.approvals, approval.escalationTier, approval.expiresAt, approval.requiredApprovals]);
    this.#approval = approval;
    if (shows === this.#shows) return;
    this.#shows = shows;
    const mine = this.#principal ? sameIdentity(this.#principal.id, approval.requestedBy) : false;
    const tier = approval.escalationTier > 0 ? ` · escalated (tier ${approval.escalationTier})` : '';
    replaceChildren(
      this.#meta,
      h('span', { class: 'mono' }, approval.actionType),
      ' · requested by ',
      h('strong', {}, approval.requestedBy),
      mine ? ' (you)' : '',
      tier,
      ' · ',
      this.#votes,
    );
    const voted = approval.approvals.map((vote) => vote.by);
    this.#votes.textContent = `${approval.approvals.length} of ${approval.requiredApprovals} approval${approval.requiredApprovals === 1 ? '' : 's'}${voted.length > 0 ? ` (${voted.join(', ')})` : ''}`;
    this.#decision.update(approval);
    this.#countdown.dataset.expires = approval.expiresAt ?? '';
    this.tick(Date.now());
  }

  /** Updates the countdown. */
  tick(now: number): void {
    const left = msUntil(this.#approval.expiresAt, now);
    this.#countdown.textContent = formatCountdown(left);
    this.#countdown.className = `countdown urgency-${urgency(left)}`;
    this.#countdown.title = this.#approval.expiresAt ? `Deadline ${new Date(this.#approval.expiresAt).toLocaleString()}` : 'Waits until someone decides';
  }

  /**
   * The card just moved in the queue or appeared: for `ms` its decisions ignore clicks and keys,
   * and it says so, so that a click aimed at the card that was here cannot decide this one.
   */
  unsettle(ms: number): void {
    this.#steadyAt = Math.max(this.#steadyAt, performance.now() + ms);
    this.element.classList.add('settling');
    this.#decision.setUnsteady(true);
    if (this.#settleTimer !== null) clearTimeout(this.#settleTimer);
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = null;
      this.element.classList.remove('settling');
      this.#decision.setUnsteady(false);
    }, Math.max(0, this.#steadyAt - performance.now()));
  }

  /** Whether the card has stayed where it is long enough to be decided. */
  get settled(): boolean {
    return performance.now() >= this.#steadyAt;
  }

  /** Whether keyboard focus is inside the card (the queue moves it on when the card goes). */
  get hasFocus(): boolean {
    const active = document.activeElement;
    return this.element.contains(active) || (this.#decision.focusedWhenSent && (active === null || active === document.body));
  }

  /** Moves keyboard focus to the card's "Review request" button. */
  focus(): void {
    this.#review.toggle.focus();
  }

  /** Shows a sentence on the card (an error, or that it was decided elsewhere). */
  say(text: string | null): void {
    this.#decision.say(text);
  }
}

function cssSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}
