import type { Approval, Principal } from '../api/types.ts';
import type { RerouteBody } from '../logic/decision-forms.ts';
import { type CardRefusal, cardRefusal, decisionLimit, votedSentence } from '../logic/decision-limit.ts';
import { decisionControls, type ReviewLoad, reviewGate } from '../logic/review-gate.ts';
import { errorSentence, type UserAction } from '../logic/sentences.ts';
import { rejectForm, rerouteForm } from './decision-form.ts';
import { h, replaceChildren } from './dom.ts';

/** What deciding an approval asks the page to do: send the decision, and resolve once the page shows it (or throw the server's error). */
export interface DecisionActions {
  approve(approval: Approval): Promise<void>;
  reject(approval: Approval, body: { reason: string }): Promise<void>;
  reroute(approval: Approval, body: RerouteBody): Promise<void>;
}

/** Where the decisions sit: what of the request is on screen, and whether they may be sent now. */
export interface DecisionSetting {
  /** How far the request (the task: arguments, description, SecOps' reasons) is read and shown. */
  review(): ReviewLoad;
  /** Whether a decision may be sent now (a queue card that just moved may not); always, when left out. */
  steady?(): boolean;
  /** Laid over the buttons while not steady (the queue card's "The queue just changed…"). */
  unsteadySentence?: string;
  /** Says why a principal may not decide (default: the card's refusal sentence, none for a missing role). */
  notice?(refusal: CardRefusal): string | null;
}

/**
 * Deciding one approval — Approve, Reject (a reason required) and Reroute… with their forms — as
 * the queue's cards and the task view both offer it: each decision off, with why, until the
 * request is on screen (`reviewGate`), for a principal who may not decide it (`cardRefusal`),
 * after their own vote, or while a decision is on its way; the server's refusal as a sentence.
 * Its parts are placed by the view that holds it: `notices` (a refusal, their own vote), `element`
 * (the buttons and the open form) and `message` (what went wrong).
 * @example const decision = new ApprovalDecision(approval, principal, actions, { review: () => ({ status: 'loaded', task }) }); panel.append(decision.notices, decision.element, decision.message);
 */
export class ApprovalDecision {
  /** The refusal and "You approved; waiting for another approver". */
  readonly notices: HTMLElement;
  /** The three buttons, the line saying why they are off, and the slot of the open form. */
  readonly element: HTMLElement;
  /** What went wrong with the last decision (hidden when nothing did). */
  readonly message: HTMLElement;
  readonly refusal: CardRefusal | null;
  #approval: Approval;
  readonly #principal: Principal | null;
  readonly #actions: DecisionActions;
  readonly #setting: DecisionSetting;
  readonly #voted: HTMLElement;
  readonly #note: HTMLElement;
  readonly #formSlot: HTMLElement;
  readonly #buttons: Record<'approve' | 'reject' | 'reroute', HTMLButtonElement>;
  #busy = false;
  #focusedWhenSent = false;

  constructor(approval: Approval, principal: Principal | null, actions: DecisionActions, setting: DecisionSetting) {
    this.#approval = approval;
    this.#principal = principal;
    this.#actions = actions;
    this.#setting = setting;
    this.#voted = h('p', { class: 'card-voted', hidden: true });
    this.#note = h('p', { class: 'decision-note muted', 'aria-live': 'polite' });
    this.#formSlot = h('div', { class: 'form-slot' });
    this.message = h('p', { class: 'card-message', role: 'alert', hidden: true });
    this.#buttons = {
      approve: h('button', { type: 'button', class: 'primary', onclick: () => void this.#approve() }, 'Approve'),
      reject: h('button', { type: 'button', class: 'danger-outline', onclick: () => this.#open('reject') }, 'Reject'),
      reroute: h('button', { type: 'button', onclick: () => this.#open('reroute') }, 'Reroute…'),
    };
    this.element = h(
      'div',
      { class: 'card-decisions' },
      h(
        'div',
        { class: 'decision-buttons' },
        this.#buttons.approve,
        this.#buttons.reject,
        this.#buttons.reroute,
        // Over the buttons while not steady: a click aimed at what was here lands on this.
        setting.unsteadySentence ? h('p', { class: 'settle-note', 'aria-hidden': 'true' }, setting.unsteadySentence) : null,
      ),
      this.#note,
      this.#formSlot,
    );
    // Not theirs to decide (no deciding role, their own request, above their limit): said at once,
    // rather than after a refused click.
    this.refusal = cardRefusal(approval, principal);
    const notice = this.refusal ? (setting.notice ?? ((refusal: CardRefusal) => refusal.sentence))(this.refusal) : null;
    this.notices = h('div', { class: 'decision-notices' }, notice ? h('p', { class: 'card-limit muted' }, notice) : null, this.#voted);
    this.sync();
  }

  get approval(): Approval {
    return this.#approval;
  }

  /** Whether focus was in the decisions when one was last sent (a button disabled while it is sent drops focus). */
  get focusedWhenSent(): boolean {
    return this.#focusedWhenSent;
  }

  /** Takes the approval's newest votes (a vote of theirs turns Approve off). */
  update(approval: Approval): void {
    this.#approval = approval;
    this.sync();
  }

  /** Marks the buttons as not taking clicks (`aria-disabled`) while the view is not steady. */
  setUnsteady(unsteady: boolean): void {
    for (const button of Object.values(this.#buttons)) {
      if (unsteady) button.setAttribute('aria-disabled', 'true');
      else button.removeAttribute('aria-disabled');
    }
  }

  /** Shows a sentence under the decisions (null hides it). */
  say(text: string | null): void {
    this.message.textContent = text ?? '';
    this.message.hidden = text === null;
  }

  /** Turns each decision on or off, with why: refusal, what is not reviewed yet, a vote already in. */
  sync(): void {
    const voted = this.#votedSentence();
    this.#voted.textContent = voted ?? '';
    this.#voted.hidden = voted === null;
    const controls = this.#controls();
    for (const kind of ['approve', 'reject', 'reroute'] as const) {
      const control = controls[kind];
      this.#buttons[kind].disabled = !control.enabled;
      this.#buttons[kind].title = control.reason ?? '';
    }
    // A refusal and a vote are said in `notices`; what the review still waits for is said here.
    const gate = reviewGate(this.#approval, this.#setting.review());
    this.#note.textContent = this.refusal ? '' : (gate.reason ?? '');
    this.#note.hidden = this.#note.textContent === '';
  }

  #steady(): boolean {
    return this.#setting.steady?.() ?? true;
  }

  async #approve(): Promise<void> {
    if (!this.#steady() || !this.#controls().approve.enabled) return;
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
    const load = this.#setting.review();
    if (!this.#steady() || !this.#controls()[kind].enabled || load.status !== 'loaded') return;
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
        ? rejectForm((body) => this.#whenSteady(() => this.#actions.reject(this.#approval, body)), (error) => this.#explain(error, 'reject'), close)
        : rerouteForm((body) => this.#whenSteady(() => this.#actions.reroute(this.#approval, body)), (error) => this.#explain(error, 'reroute'), close, {
            actionType: suggested?.actionType ?? this.#approval.actionType,
            args: Promise.resolve(suggested ? (suggested.args ?? null) : load.task.args),
          });
    this.element.classList.add('deciding');
    replaceChildren(this.#formSlot, form);
  }

  /** Sends a form's decision only when steady (the form moved with its card). */
  #whenSteady(send: () => Promise<void>): Promise<void> {
    if (!this.#steady()) return Promise.reject(new UnsteadyError(this.#setting.unsteadySentence ?? ''));
    this.#focusedWhenSent = this.#hasFocus();
    return send();
  }

  #explain(error: unknown, action: UserAction): string {
    if (error instanceof UnsteadyError) return error.message;
    const maxRisk = decisionLimit(this.#principal);
    return errorSentence(error, action, { riskLevel: this.#approval.riskLevel, ...(maxRisk ? { maxRisk } : {}) });
  }

  #setBusy(busy: boolean): void {
    if (busy) this.#focusedWhenSent = this.#hasFocus();
    this.#busy = busy;
    this.element.setAttribute('aria-busy', String(busy));
    this.sync();
  }

  #hasFocus(): boolean {
    return this.element.contains(document.activeElement);
  }

  #votedSentence(): string | null {
    return this.refusal ? null : votedSentence(this.#approval, this.#principal);
  }

  #controls(): ReturnType<typeof decisionControls> {
    return decisionControls({ refusal: this.refusal, gate: reviewGate(this.#approval, this.#setting.review()), voted: this.#votedSentence(), busy: this.#busy });
  }
}

/** A decision sent while its view was not steady (a queue card that had just moved): not sent. */
class UnsteadyError extends Error {
  constructor(sentence: string) {
    super(`${sentence} Nothing was sent.`.trim());
  }
}
