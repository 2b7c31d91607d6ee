import type { Approval, Principal, Task } from '../api/types.ts';
import { SETTLING_SENTENCE } from '../logic/card-settling.ts';
import { formatCountdown, msUntil, urgency } from '../logic/countdown.ts';
import type { RerouteBody } from '../logic/decision-forms.ts';
import { type CardRefusal, cardRefusal, decisionLimit, votedSentence } from '../logic/decision-limit.ts';
import { decisionControls, reviewGate } from '../logic/review-gate.ts';
import { errorSentence, type UserAction } from '../logic/sentences.ts';
import { visibleText } from '../../../src/util/visible-text.ts';
import { CardReview } from './card-review.ts';
import { rejectForm, rerouteForm } from './decision-form.ts';
import { h, replaceChildren } from './dom.ts';
import { sameIdentity } from '../../../src/model/principal-id.ts';

/** What a card asks the page to do. */
export interface CardActions {
  approve(approval: Approval): Promise<void>;
  reject(approval: Approval, body: { reason: string }): Promise<void>;
  reroute(approval: Approval, body: RerouteBody): Promise<void>;
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
  readonly #actions: CardActions;
  readonly #meta: HTMLElement;
  readonly #countdown: HTMLElement;
  readonly #votes: HTMLElement;
  readonly #message: HTMLElement;
  /** "You approved; waiting for another approver": the principal's own vote is in. */
  readonly #voted: HTMLElement;
  /** Why the decisions are off while the review is open ("Reading the request…"). */
  readonly #decisionNote: HTMLElement;
  readonly #formSlot: HTMLElement;
  readonly #review: CardReview;
  readonly #buttons: Record<'approve' | 'reject' | 'reroute', HTMLButtonElement>;
  readonly #refusal: CardRefusal | null;
  #busy = false;
  /** Focus was in the card when a decision was sent (a button disabled while it is sent drops focus). */
  #focusedWhenSent = false;
  /** Until when (performance.now()) decisions are ignored: the card just moved or appeared. */
  #steadyAt = 0;
  #shows = '';
  #settleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(approval: Approval, principal: Principal | null, actions: CardActions) {
    this.#approval = approval;
    this.#principal = principal;
    this.#actions = actions;
    this.#meta = h('p', { class: 'card-meta' });
    this.#countdown = h('span', { class: 'countdown', 'data-expires': approval.expiresAt ?? '' });
    this.#votes = h('span', { class: 'votes' });
    this.#message = h('p', { class: 'card-message', role: 'alert', hidden: true });
    this.#voted = h('p', { class: 'card-voted', hidden: true });
    this.#decisionNote = h('p', { class: 'decision-note muted', 'aria-live': 'polite' });
    this.#formSlot = h('div', { class: 'form-slot' });
    this.#buttons = {
      approve: h('button', { type: 'button', class: 'primary', onclick: () => void this.#approve() }, 'Approve'),
      reject: h('button', { type: 'button', class: 'danger-outline', onclick: () => this.#open('reject') }, 'Reject'),
      reroute: h('button', { type: 'button', onclick: () => this.#open('reroute') }, 'Reroute…'),
    };
    const decisions = h(
      'div',
      { class: 'card-decisions' },
      h(
        'div',
        { class: 'decision-buttons' },
        this.#buttons.approve,
        this.#buttons.reject,
        this.#buttons.reroute,
        // Over the buttons while the card settles: a click aimed at the card that was here lands on this.
        h('p', { class: 'settle-note', 'aria-hidden': 'true' }, SETTLING_SENTENCE),
      ),
      this.#decisionNote,
      this.#formSlot,
    );
    const idBase = `approval-${cssSafe(approval.id)}`;
    this.#review = new CardReview(`${idBase}-review`, approval.taskId, (taskId) => actions.readTask(taskId), decisions, () => this.#syncDecisions());
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
      this.#voted,
      this.#review.element,
      this.#message,
    );
    // Escape closes the open review (after any form in it, which takes the first Escape) and
    // gives focus back to the button that opened it.
    this.element.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || event.defaultPrevented || !this.#review.isOpen) return;
      event.preventDefault();
      this.#review.setOpen(false);
      this.#review.toggle.focus();
    });
    // Not theirs to decide (no deciding role, their own request, above their limit): say so at
    // once, rather than after a refused click.
    this.#refusal = cardRefusal(approval, principal);
    if (this.#refusal) {
      this.element.classList.add('not-yours');
      if (this.#refusal.sentence) this.#voted.before(h('p', { class: 'card-limit muted' }, this.#refusal.sentence));
    }
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
    this.#syncDecisions();
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
    for (const button of Object.values(this.#buttons)) button.setAttribute('aria-disabled', 'true');
    if (this.#settleTimer !== null) clearTimeout(this.#settleTimer);
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = null;
      this.element.classList.remove('settling');
      for (const button of Object.values(this.#buttons)) button.removeAttribute('aria-disabled');
    }, Math.max(0, this.#steadyAt - performance.now()));
  }

  /** Whether the card has stayed where it is long enough to be decided. */
  get settled(): boolean {
    return performance.now() >= this.#steadyAt;
  }

  /** Whether keyboard focus is inside the card (the queue moves it on when the card goes). */
  get hasFocus(): boolean {
    const active = document.activeElement;
    return this.element.contains(active) || (this.#focusedWhenSent && (active === null || active === document.body));
  }

  /** Moves keyboard focus to the card's "Review request" button. */
  focus(): void {
    this.#review.toggle.focus();
  }

  /** Shows a sentence on the card (an error, or that it was decided elsewhere). */
  say(text: string | null): void {
    this.#message.textContent = text ?? '';
    this.#message.hidden = text === null;
  }

  async #approve(): Promise<void> {
    if (!this.settled || !this.#controls().approve.enabled) return;
    this.say(null);
    this.#setBusy(true);
    try {
      await this.#actions.approve(this.#approval);
    } catch (error) {
      this.say(this.#explain(error, 'approve'));
    } finally {
      this.#setBusy(false);
    }
  }

  #open(kind: 'reject' | 'reroute'): void {
    const load = this.#review.load;
    if (!this.settled || !this.#controls()[kind].enabled || load.status !== 'loaded') return;
    this.say(null);
    const close = () => {
      replaceChildren(this.#formSlot);
      this.element.classList.remove('deciding');
      this.#buttons[kind].focus();
    };
    // Reroute starts from SecOps' suggestion when it made one, else from the request itself.
    const suggested = load.task.verdict?.suggestedAlternative;
    const form =
      kind === 'reject'
        ? rejectForm((body) => this.#whenSettled(() => this.#actions.reject(this.#approval, body)), (error) => this.#explain(error, 'reject'), close)
        : rerouteForm((body) => this.#whenSettled(() => this.#actions.reroute(this.#approval, body)), (error) => this.#explain(error, 'reroute'), close, {
            actionType: suggested?.actionType ?? this.#approval.actionType,
            args: Promise.resolve(suggested ? (suggested.args ?? null) : load.task.args),
          });
    this.element.classList.add('deciding');
    replaceChildren(this.#formSlot, form);
  }

  /** Sends a form's decision only when the card has settled (the form moved with it). */
  #whenSettled(send: () => Promise<void>): Promise<void> {
    if (!this.settled) return Promise.reject(new CardMovedError());
    this.#focusedWhenSent = this.element.contains(document.activeElement);
    return send();
  }

  #explain(error: unknown, action: UserAction): string {
    if (error instanceof CardMovedError) return error.message;
    const maxRisk = decisionLimit(this.#principal);
    return errorSentence(error, action, { riskLevel: this.#approval.riskLevel, ...(maxRisk ? { maxRisk } : {}) });
  }

  #setBusy(busy: boolean): void {
    if (busy) this.#focusedWhenSent = this.element.contains(document.activeElement);
    this.#busy = busy;
    this.element.setAttribute('aria-busy', String(busy));
    this.#syncDecisions();
  }

  #controls(): ReturnType<typeof decisionControls> {
    const voted = this.#refusal ? null : votedSentence(this.#approval, this.#principal);
    return decisionControls({ refusal: this.#refusal, gate: reviewGate(this.#approval, this.#review.load), voted, busy: this.#busy });
  }

  /** Turns each decision on or off, with why: refusal, what is not reviewed yet, a vote already in. */
  #syncDecisions(): void {
    const voted = this.#refusal ? null : votedSentence(this.#approval, this.#principal);
    this.#voted.textContent = voted ?? '';
    this.#voted.hidden = voted === null;
    const controls = this.#controls();
    for (const kind of ['approve', 'reject', 'reroute'] as const) {
      const control = controls[kind];
      this.#buttons[kind].disabled = !control.enabled;
      this.#buttons[kind].title = control.reason ?? '';
    }
    // The card already says a refusal and a vote; what the review still waits for is said here.
    const gate = reviewGate(this.#approval, this.#review.load);
    this.#decisionNote.textContent = this.#refusal ? '' : (gate.reason ?? '');
    this.#decisionNote.hidden = this.#decisionNote.textContent === '';
  }
}

/** A decision sent from a card that had just moved: not sent. */
class CardMovedError extends Error {
  constructor() {
    super(`${SETTLING_SENTENCE} Nothing was sent.`);
  }
}

function cssSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}
