import type { Task } from '../api/types.ts';
import { summarizeRequest } from '../logic/request-summary.ts';
import type { ReviewLoad } from '../logic/review-gate.ts';
import { errorSentence } from '../logic/sentences.ts';
import { h, replaceChildren } from './dom.ts';
import { requestReview } from './request-review.ts';

/** What a card's review reads its task with. */
export type ReadTask = (taskId: string) => Promise<Task>;

/**
 * The part of a queue card that opens to show what is asked — the request's description,
 * arguments and SecOps' reasons — above the card's decisions, which live inside it. Its task is
 * read once, when the review is opened (or its toggle is focused or pointed at, to be ready
 * sooner), never for every card of the queue; a failed read can be tried again.
 * @example const review = new CardReview(approval.taskId, readTask, decisions, () => sync()); card.append(review.toggle, review.element);
 */
export class CardReview {
  /** The disclosure button: "Review request" / "Hide request", `aria-expanded`. */
  readonly toggle: HTMLButtonElement;
  /** The panel (hidden while closed). */
  readonly element: HTMLElement;
  readonly #taskId: string;
  readonly #read: ReadTask;
  readonly #onChange: (load: ReviewLoad) => void;
  readonly #request: HTMLElement;
  #load: ReviewLoad = { status: 'idle' };

  /**
   * @param decisions shown under the request, once it is on screen (the card's buttons and forms)
   * @param onChange told whenever the read's status changes (the card turns its decisions on or off)
   */
  constructor(panelId: string, taskId: string, read: ReadTask, decisions: HTMLElement, onChange: (load: ReviewLoad) => void) {
    this.#taskId = taskId;
    this.#read = read;
    this.#onChange = onChange;
    this.#request = h('div', { class: 'review-request' });
    this.element = h('div', { class: 'card-review', id: panelId, role: 'region', 'aria-label': 'The request, and your decision', hidden: true }, this.#request, decisions);
    this.toggle = h('button', { type: 'button', class: 'review-toggle', 'aria-expanded': 'false', 'aria-controls': panelId, onclick: () => this.setOpen(!this.isOpen) }, 'Review request');
    // Ready by the time it is opened: read when the toggle is reached, not for every card shown.
    this.toggle.addEventListener('focus', () => this.prefetch());
    this.toggle.addEventListener('pointerenter', () => this.prefetch());
  }

  /** Where the read stands. */
  get load(): ReviewLoad {
    return this.#load;
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /** Opens or closes the review; opening reads the task if it has not been read. */
  setOpen(open: boolean): void {
    this.element.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    this.toggle.textContent = open ? 'Hide request' : 'Review request';
    this.toggle.closest('.card')?.classList.toggle('reviewing', open);
    if (open) this.prefetch();
  }

  /** Reads the task unless it is read or on its way. */
  prefetch(): void {
    if (this.#load.status === 'loading' || this.#load.status === 'loaded') return;
    this.#set({ status: 'loading' });
    this.#read(this.#taskId).then(
      (task) => this.#set({ status: 'loaded', task }),
      (error: unknown) => this.#set({ status: 'failed', error }),
    );
  }

  #set(load: ReviewLoad): void {
    this.#load = load;
    if (load.status === 'loading') replaceChildren(this.#request, h('p', { class: 'muted review-status' }, 'Reading the request…'));
    else if (load.status === 'failed') {
      replaceChildren(
        this.#request,
        h('p', { class: 'card-message review-status' }, `The request could not be read: ${errorSentence(load.error, 'load')}`),
        h('button', { type: 'button', class: 'small', onclick: () => this.prefetch() }, 'Try again'),
      );
    } else if (load.status === 'loaded') replaceChildren(this.#request, ...requestReview(summarizeRequest(load.task)));
    this.#onChange(load);
  }
}
