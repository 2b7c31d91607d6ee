import type { Approval, Principal } from '../api/types.ts';
import { formatCountdown, msUntil, urgency } from '../logic/countdown.ts';
import { SETTLING_SENTENCE } from '../logic/card-settling.ts';
import { type CardRefusal, cardRefusal, decisionLimit, votedSentence } from '../logic/decision-limit.ts';
import { errorSentence, type UserAction } from '../logic/sentences.ts';
import { visibleText } from '../logic/visible-text.ts';
import type { RerouteBody } from '../logic/decision-forms.ts';
import { rejectForm, rerouteForm } from './decision-form.ts';
import { h, replaceChildren } from './dom.ts';

/** What a card asks the page to do. */
export interface CardActions {
  approve(approval: Approval): Promise<void>;
  reject(approval: Approval, body: { reason: string }): Promise<void>;
  reroute(approval: Approval, body: RerouteBody): Promise<void>;
  openTask(taskId: string): void;
  /** The arguments of a task (what a reroute starts from); null when they cannot be read. */
  taskArgs(taskId: string): Promise<Record<string, unknown> | null>;
}

/**
 * One pending approval in the queue: risk, what and who, votes, a live countdown, and the
 * three decisions. Updated in place when the approval changes, so a half-typed reason
 * survives refreshes of the queue.
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
  readonly #formSlot: HTMLElement;
  readonly #buttons: HTMLButtonElement[];
  #refusal: CardRefusal | null = null;
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
    this.#formSlot = h('div', { class: 'form-slot' });
    const approve = h('button', { type: 'button', class: 'primary', onclick: () => void this.#approve() }, 'Approve');
    const reject = h('button', { type: 'button', class: 'danger-outline', onclick: () => this.#open('reject') }, 'Reject');
    const reroute = h('button', { type: 'button', onclick: () => this.#open('reroute') }, 'Reroute…');
    this.#buttons = [approve, reject, reroute];
    const titleId = `approval-${cssSafe(approval.id)}-title`;
    this.element = h(
      'li',
      { class: `card risk-edge-${approval.riskLevel}`, 'data-approval-id': approval.id, 'aria-labelledby': titleId },
      h(
        'div',
        { class: 'card-top' },
        h('span', { class: `risk risk-${approval.riskLevel}` }, approval.riskLevel),
        h('h3', { id: titleId, class: 'card-title' }, visibleText(approval.title)),
        this.#countdown,
      ),
      this.#meta,
      h(
        'div',
        { class: 'card-actions' },
        approve,
        reject,
        reroute,
        h('button', { type: 'button', class: 'link', onclick: () => actions.openTask(approval.taskId) }, 'Open task'),
        // Over the buttons while the card settles: a click aimed at the card that was here lands on this.
        h('p', { class: 'settle-note', 'aria-hidden': 'true' }, SETTLING_SENTENCE),
      ),
      this.#voted,
      this.#message,
      this.#formSlot,
    );
    this.update(approval);
    // Not theirs to decide (no deciding role, their own request, above their limit): say so at
    // once, rather than after a refused click.
    this.#refusal = cardRefusal(approval, principal);
    if (this.#refusal) {
      for (const button of this.#buttons) {
        button.disabled = true;
        button.title = this.#refusal.reason;
      }
      this.element.classList.add('not-yours');
      if (this.#refusal.sentence) this.#message.before(h('p', { class: 'card-limit muted' }, this.#refusal.sentence));
    }
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
    const mine = this.#principal?.id === approval.requestedBy;
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
    this.#showVoted();
    this.#votes.textContent = `${approval.approvals.length} of ${approval.requiredApprovals} approval${approval.requiredApprovals === 1 ? '' : 's'}${voted.length > 0 ? ` (${voted.join(', ')})` : ''}`;
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
    for (const button of this.#buttons) button.setAttribute('aria-disabled', 'true');
    if (this.#settleTimer !== null) clearTimeout(this.#settleTimer);
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = null;
      this.element.classList.remove('settling');
      for (const button of this.#buttons) button.removeAttribute('aria-disabled');
    }, Math.max(0, this.#steadyAt - performance.now()));
  }

  /** Whether the card has stayed where it is long enough to be decided. */
  get settled(): boolean {
    return performance.now() >= this.#steadyAt;
  }

  /** Shows a sentence on the card (an error, or that it was decided elsewhere). */
  say(text: string | null): void {
    this.#message.textContent = text ?? '';
    this.#message.hidden = text === null;
  }

  async #approve(): Promise<void> {
    if (!this.settled) return;
    this.say(null);
    this.#busy(true);
    try {
      await this.#actions.approve(this.#approval);
    } catch (error) {
      this.say(this.#explain(error, 'approve'));
    } finally {
      this.#busy(false);
    }
  }

  #open(kind: 'reject' | 'reroute'): void {
    if (!this.settled) return;
    this.say(null);
    const close = () => {
      replaceChildren(this.#formSlot);
      this.element.classList.remove('deciding');
      this.#buttons[kind === 'reject' ? 1 : 2]?.focus();
    };
    const form =
      kind === 'reject'
        ? rejectForm((body) => this.#whenSettled(() => this.#actions.reject(this.#approval, body)), (error) => this.#explain(error, 'reject'), close)
        : rerouteForm((body) => this.#whenSettled(() => this.#actions.reroute(this.#approval, body)), (error) => this.#explain(error, 'reroute'), close, {
            actionType: this.#approval.actionType,
            args: this.#actions.taskArgs(this.#approval.taskId),
          });
    this.element.classList.add('deciding');
    replaceChildren(this.#formSlot, form);
  }

  /** Sends a form's decision only when the card has settled (the form moved with it). */
  #whenSettled(send: () => Promise<void>): Promise<void> {
    return this.settled ? send() : Promise.reject(new CardMovedError());
  }

  #explain(error: unknown, action: UserAction): string {
    if (error instanceof CardMovedError) return error.message;
    const principal = this.#principal;
    const maxRisk = decisionLimit(principal);
    return errorSentence(error, action, { riskLevel: this.#approval.riskLevel, ...(maxRisk ? { maxRisk } : {}) });
  }

  #busy(busy: boolean): void {
    for (const button of this.#buttons) button.disabled = busy || this.#refusal !== null;
    this.element.setAttribute('aria-busy', String(busy));
    if (!busy) this.#showVoted();
  }

  /** Their vote is in: Approve again would be refused (already_voted), so it is off and the card says what it waits for. */
  #showVoted(): void {
    const sentence = this.#refusal ? null : votedSentence(this.#approval, this.#principal);
    this.#voted.textContent = sentence ?? '';
    this.#voted.hidden = sentence === null;
    const approve = this.#buttons[0];
    if (!approve || this.#refusal) return;
    approve.disabled = sentence !== null || this.element.getAttribute('aria-busy') === 'true';
    approve.title = sentence ?? '';
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
