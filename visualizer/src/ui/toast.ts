import { h } from './dom.ts';

/**
 * Short confirmations ("Approved … — the task completed") in a polite live region, so screen
 * readers hear them too; each fades after a few seconds.
 * @example toasts.say('Rejected “Push the release branch”.');
 */
export class Toasts {
  readonly element = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });

  say(text: string, tone: 'ok' | 'warn' = 'ok'): void {
    const toast = h('p', { class: `toast toast-${tone}` }, text);
    this.element.append(toast);
    while (this.element.childElementCount > 3) this.element.firstElementChild?.remove();
    setTimeout(() => toast.remove(), 6_000);
  }
}
