import { decisionLimit } from '../logic/decision-limit.ts';
import type { Principal } from '../api/types.ts';
import type { Connection } from '../app/live-data.ts';
import { h, replaceChildren } from './dom.ts';

const CONNECTION_TEXT: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  down: 'Server not answering — retrying',
  busy: 'Too many open streams — retrying',
};

/**
 * The top bar: the name, whether events are flowing, and who is signed in.
 * @example const header = new Header(() => signOut()); header.setPrincipal(principal);
 */
export class Header {
  readonly element: HTMLElement;
  readonly #connection: HTMLElement;
  readonly #who: HTMLElement;
  readonly #onSignOut: () => void;

  constructor(onSignOut: () => void) {
    this.#connection = h('span', { class: 'connection', role: 'status', 'aria-live': 'polite' });
    this.#who = h('div', { class: 'who' });
    this.element = h(
      'header',
      { class: 'topbar' },
      h('div', { class: 'brand' }, h('img', { src: '/visualizer/icon.svg', alt: '', width: 22, height: 22 }), h('span', { class: 'brand-name' }, 'Tollgate'), h('span', { class: 'brand-sub' }, 'approval gate for agent actions')),
      this.#connection,
      this.#who,
    );
    this.#onSignOut = onSignOut;
    this.setConnection(null);
    this.setPrincipal(null);
  }

  /** Shows the connection (null: not signed in, nothing to show). */
  setConnection(connection: Connection | null): void {
    this.#connection.hidden = connection === null;
    if (connection === null) return;
    this.#connection.className = `connection connection-${connection}`;
    this.#connection.textContent = CONNECTION_TEXT[connection];
  }

  setPrincipal(principal: Principal | null): void {
    if (!principal) {
      replaceChildren(this.#who);
      return;
    }
    const limit = decisionLimit(principal);
    const decides = limit !== null ? `decides up to ${limit}${limit === 'critical' ? ' (any risk)' : ''}` : principal.roles.includes('agent') ? 'decides nothing' : 'reads only';
    replaceChildren(
      this.#who,
      h('span', { class: 'who-name' }, principal.id),
      h('span', { class: 'who-roles muted' }, `${principal.roles.join(', ')} · ${decides}`),
      h('button', { type: 'button', class: 'ghost small', onclick: this.#onSignOut }, 'Sign out'),
    );
  }
}
