import type { Approval, Principal } from '../api/types.ts';
import { ApprovalCard, type CardActions } from './approval-card.ts';
import { CardPositions } from '../logic/card-settling.ts';
import { decisionLimit, isAbove } from '../logic/decision-limit.ts';
import { queueSentence, watchOnlySentence } from '../logic/sentences.ts';
import { h, replaceChildren } from './dom.ts';

/**
 * The approval queue: pending approvals, highest risk and nearest deadline first, with live
 * countdowns. Cards are kept by approval id and moved, not redrawn, so an open form keeps
 * what was typed while the queue updates around it. A card that moves (or appears) ignores
 * decisions for a moment (`SETTLE_MS`), so a click aimed at one approval never decides the one
 * that slid under the pointer.
 * @example const queue = new QueueView(actions); queue.show(live.queue, principal);
 */
export class QueueView {
  readonly element: HTMLElement;
  readonly #list: HTMLOListElement;
  readonly #empty: HTMLElement;
  readonly #count: HTMLElement;
  readonly #note: HTMLElement;
  readonly #more: HTMLElement;
  readonly #cards = new Map<string, ApprovalCard>();
  readonly #actions: CardActions;
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #positions = new CardPositions();
  /**
   * Cards also move when one above them grows or shrinks (a vote, a message, a form) — and, at
   * the end of the scroll, when one below shrinks: the scroll position clamps and every card
   * above slides down on screen. A resize is noted with how far the scroll moved since the last
   * note; so is a scroll that is a clamp (see `#scrolled`), whichever of the two comes first.
   */
  readonly #resizes = new ResizeObserver(() => this.#notePositions(this.#scrollOffset() - this.#lastScroll));
  readonly #scroller: HTMLElement;
  /** The scroll offset and the scrollable height at the last note or scroll event. */
  #lastScroll = 0;
  #lastHeight = 0;

  constructor(actions: CardActions) {
    this.#actions = actions;
    this.#list = h('ol', { class: 'cards', 'aria-label': 'Pending approvals' });
    this.#resizes.observe(this.#list);
    this.#count = h('span', { class: 'count-badge', 'aria-live': 'polite' }, '0');
    this.#note = h('p', { class: 'role-note', hidden: true });
    this.#more = h('p', { class: 'muted queue-more', hidden: true });
    this.#empty = h(
      'div',
      { class: 'empty queue-empty' },
      h('p', { class: 'empty-title' }, 'Nothing waits for a decision.'),
      h('p', { class: 'muted' }, 'When an agent proposes an action that needs a human, it appears here at once — riskiest and most urgent first.'),
    );
    this.#scroller = h('div', { class: 'queue-scroll' }, this.#list, this.#more, this.#empty);
    const scrolled = () => this.#scrolled();
    this.#scroller.addEventListener('scroll', scrolled, { passive: true });
    window.addEventListener('scroll', scrolled, { passive: true });
    this.element = h(
      'section',
      { class: 'queue', 'aria-labelledby': 'queue-title' },
      h('header', { class: 'panel-head' }, h('h2', { id: 'queue-title' }, 'Pending approvals'), this.#count, h('span', { class: 'muted' }, 'riskiest and most urgent first')),
      this.#note,
      this.#scroller,
    );
  }

  /**
   * Shows the queue, in the order given (already arranged: see `arrangeQueue`). `total` is how
   * many are pending in all, `decidable` how many of them the principal may decide (when only
   * some): a line under the cards says what is and is not shown.
   */
  show(approvals: Approval[], principal: Principal | null, total = approvals.length, decidable?: number): void {
    const decides = principal ? principal.roles.some((role) => role === 'approver' || role === 'admin') : false;
    this.#note.hidden = decides || principal === null;
    this.#note.textContent = principal ? watchOnlySentence(principal, 'queue') : '';
    // A card can move on screen while it keeps its place in the list: at the end of the scroll,
    // a card going shortens the list, the scroll position clamps, and every card above it slides
    // down under the pointer. What the scroll did during the change is noted with it.
    const scrolledFrom = this.#scrollOffset();
    const ids = new Set(approvals.map((approval) => approval.id));
    // A card decided (here or elsewhere) while focus is in it: focus goes on to the card that takes its place.
    let focusFrom: number | null = null;
    for (const [id, card] of this.#cards) {
      if (ids.has(id)) continue;
      if (card.hasFocus) focusFrom = [...this.#list.children].indexOf(card.element);
      this.#resizes.unobserve(card.element);
      card.element.remove();
      this.#cards.delete(id);
    }
    let previous: Element | null = null;
    for (const approval of approvals) {
      let card = this.#cards.get(approval.id);
      if (card) card.update(approval);
      else {
        card = new ApprovalCard(approval, principal, this.#actions);
        this.#cards.set(approval.id, card);
        this.#resizes.observe(card.element);
      }
      const expectedAt: Element | null = previous ? previous.nextElementSibling : this.#list.firstElementChild;
      if (expectedAt !== card.element) {
        if (previous) previous.after(card.element);
        else this.#list.prepend(card.element);
      }
      previous = card.element;
    }
    if (focusFrom !== null) this.#focusCardAt(focusFrom);
    this.#count.textContent = String(total);
    this.#count.setAttribute('aria-label', `${total} pending`);
    const limit = decisionLimit(principal);
    const mineShown = limit === null ? 0 : approvals.filter((approval) => !isAbove(approval.riskLevel, limit)).length;
    const sentence = queueSentence({ shown: approvals.length, total, ...(decidable !== undefined ? { mine: { shown: mineShown, total: decidable } } : {}) });
    this.#more.hidden = sentence === '';
    this.#more.textContent = sentence;
    this.#empty.hidden = approvals.length > 0;
    this.#tickEverySecond(approvals.some((approval) => approval.expiresAt !== null));
    this.#notePositions(this.#scrollOffset() - scrolledFrom);
  }

  /** Clears the queue (signed out). */
  clear(): void {
    for (const card of this.#cards.values()) this.#resizes.unobserve(card.element);
    this.#cards.clear();
    this.#positions.note([], performance.now());
    replaceChildren(this.#list);
    this.#more.hidden = true;
    this.#tickEverySecond(false);
  }

  /** Focuses the card now at `index` (the last one when the list got shorter); none left: the queue's heading. */
  #focusCardAt(index: number): void {
    const element = this.#list.children[Math.min(index, this.#list.children.length - 1)];
    const card = [...this.#cards.values()].find((candidate) => candidate.element === element);
    if (card) card.focus();
    else {
      const heading = this.element.querySelector<HTMLElement>('#queue-title');
      heading?.setAttribute('tabindex', '-1');
      heading?.focus();
    }
  }

  /**
   * Reads where every card sits (one layout, after the queue changed) and unsettles those that
   * moved in the list or, with the scroll position (`scrolledBy`), on screen. Offsets and scroll
   * positions, not bounding boxes: a box per card per change is a measurement too many with 200 cards.
   */
  #notePositions(scrolledBy = 0): void {
    const now = performance.now();
    const moved = this.#positions.note(
      [...this.#cards].map(([id, card]) => [id, card.element.offsetTop] as const),
      now,
      scrolledBy,
    );
    for (const id of moved) this.#cards.get(id)?.unsettle(this.#positions.settlingLeft(id, now));
    this.#lastScroll = this.#scrollOffset();
    this.#lastHeight = this.#scrollHeight();
  }

  /**
   * A scroll event. The person's own scrolling moves nothing unseen: it is only remembered. A
   * scroll back while the scrollable height shrank is the clamp of a shorter list — when layout
   * ran early (something read a size in between), its event comes before the resize's note —
   * and is noted as the move it is.
   */
  #scrolled(): void {
    const offset = this.#scrollOffset();
    const height = this.#scrollHeight();
    if (offset < this.#lastScroll && height < this.#lastHeight) this.#notePositions(offset - this.#lastScroll);
    this.#lastScroll = offset;
    this.#lastHeight = height;
  }

  /** How tall what scrolls is: the queue's list and the page. */
  #scrollHeight(): number {
    return this.#scroller.scrollHeight + document.documentElement.scrollHeight;
  }

  /** How far the queue and the page are scrolled: what moves every card on screen at once. */
  #scrollOffset(): number {
    return this.#scroller.scrollTop + window.scrollY;
  }

  #tickEverySecond(on: boolean): void {
    if (on && this.#timer === null) {
      this.#timer = setInterval(() => {
        const now = Date.now();
        for (const card of this.#cards.values()) card.tick(now);
      }, 1_000);
    } else if (!on && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }
}
