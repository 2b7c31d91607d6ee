import { h } from './dom.ts';

/** One tab: its label (with an optional count) and its panel. */
export interface TabSpec {
  id: string;
  label: string;
  panel: HTMLElement;
}

/**
 * A tab list following the ARIA tabs pattern: arrow keys move between tabs, Tab goes into the
 * panel, the selected tab is the only one in the tab order.
 * @example const tabs = new Tabs([{ id: 'queue', label: 'Queue', panel }]); tabs.select('queue');
 */
export class Tabs {
  readonly element: HTMLElement;
  readonly #buttons = new Map<string, HTMLButtonElement>();
  readonly #counts = new Map<string, HTMLElement>();
  readonly #panels = new Map<string, HTMLElement>();
  #selected = '';

  constructor(specs: TabSpec[], label: string) {
    const list = h('div', { class: 'tablist', role: 'tablist', 'aria-label': label });
    const panels = h('div', { class: 'tabpanels' });
    for (const spec of specs) {
      const count = h('span', { class: 'tab-count', hidden: true });
      const button = h('button', { type: 'button', role: 'tab', id: `tab-${spec.id}`, 'aria-controls': `panel-${spec.id}`, onclick: () => this.select(spec.id, true) }, spec.label, count);
      button.addEventListener('keydown', (event) => this.#onKey(event, spec.id));
      const panel = h('div', { class: 'tabpanel', role: 'tabpanel', id: `panel-${spec.id}`, 'aria-labelledby': `tab-${spec.id}` }, spec.panel);
      this.#buttons.set(spec.id, button);
      this.#counts.set(spec.id, count);
      this.#panels.set(spec.id, panel);
      list.append(button);
      panels.append(panel);
    }
    this.element = h('div', { class: 'tabs' }, list, panels);
    this.select(specs[0]?.id ?? '');
  }

  get selected(): string {
    return this.#selected;
  }

  /** Shows a tab's panel; `focus` moves keyboard focus to its tab. */
  select(id: string, focus = false): void {
    if (!this.#buttons.has(id)) return;
    this.#selected = id;
    for (const [tabId, button] of this.#buttons) {
      const on = tabId === id;
      button.setAttribute('aria-selected', String(on));
      button.tabIndex = on ? 0 : -1;
      this.#panels.get(tabId)!.hidden = !on;
    }
    if (focus) this.#buttons.get(id)?.focus();
  }

  /** Shows a count beside a tab's label (null hides it). */
  setCount(id: string, count: number | null): void {
    const badge = this.#counts.get(id);
    if (!badge) return;
    badge.hidden = count === null;
    badge.textContent = count === null ? '' : String(count);
  }

  #onKey(event: KeyboardEvent, id: string): void {
    const ids = [...this.#buttons.keys()];
    const at = ids.indexOf(id);
    const next = event.key === 'ArrowRight' ? ids[(at + 1) % ids.length] : event.key === 'ArrowLeft' ? ids[(at - 1 + ids.length) % ids.length] : event.key === 'Home' ? ids[0] : event.key === 'End' ? ids.at(-1) : undefined;
    if (next === undefined) return;
    event.preventDefault();
    this.select(next, true);
  }
}
