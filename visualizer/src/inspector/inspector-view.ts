import { type EventStream, followEventStream, type StreamStatus } from '../api/event-stream.ts';
import { ALWAYS_SHOWN } from '../api/page-visibility.ts';
import type { InspectionRecord } from '../api/types.ts';
import { visibleJson } from '../../../src/util/visible-text.ts';
import { activatable, h, replaceChildren } from '../ui/dom.ts';
import { type ActorNode, buildActorTree, recordKind, recordSummary } from './actor-tree.ts';

const MAX_RECORDS = 1_000;

/**
 * The inspector: XState's live inspection stream of one task's actors (`/api/v1/inspect`),
 * as an actor tree, a log of events, snapshots and actions, and the selected record's data.
 * Choosing an actor in the tree narrows the log to it.
 * @example const inspector = new InspectorView(() => tokenStore.get(), (taskId) => open(taskId)); inspector.watch('t-1');
 */
export class InspectorView {
  readonly element: HTMLElement;
  readonly #token: () => string | null;
  readonly #openTask: (taskId: string) => void;
  readonly #status: HTMLElement;
  readonly #tree: HTMLElement;
  readonly #log: HTMLOListElement;
  readonly #record: HTMLPreElement;
  readonly #body: HTMLElement;
  readonly #title: HTMLElement;
  #stream: EventStream | null = null;
  #records: InspectionRecord[] = [];
  #actorFilter: string | null = null;
  #selectedSeq: number | null = null;
  #taskId: string | null = null;
  #drawScheduled = false;

  /** `openTask` shows the inspected task's own view (the inspector's way back to it). */
  constructor(token: () => string | null, openTask: (taskId: string) => void) {
    this.#token = token;
    this.#openTask = openTask;
    this.#status = h('span', { class: 'stream-status', 'aria-live': 'polite' });
    this.#title = h('h2', {}, 'Inspector');
    this.#tree = h('div', { class: 'actor-tree', 'aria-label': 'Actors' });
    this.#log = h('ol', { class: 'inspection-log', 'aria-label': 'Inspection events' });
    this.#record = h('pre', { class: 'json record-json', 'aria-label': 'Selected record', tabindex: 0 });
    this.#body = h('div', { class: 'inspector-body' });
    this.element = h('section', { class: 'inspector', 'aria-label': 'Inspector' }, h('header', { class: 'panel-head' }, this.#title, this.#status), this.#body);
    this.#showIdle();
  }

  /** The task being watched, if any. */
  get taskId(): string | null {
    return this.#taskId;
  }

  /** Watches a task's actors (replacing any earlier watch); null stops. */
  watch(taskId: string | null): void {
    if (taskId === this.#taskId) return;
    this.#stream?.close();
    this.#stream = null;
    this.#taskId = taskId;
    this.#records = [];
    this.#actorFilter = null;
    this.#selectedSeq = null;
    if (taskId === null) {
      this.#showIdle();
      return;
    }
    this.#title.textContent = `Inspector · ${taskId}`;
    replaceChildren(
      this.#body,
      h('button', { type: 'button', class: 'link inspector-open-task', onclick: () => this.#openTask(taskId) }, 'Open task'),
      h('p', { class: 'muted small' }, 'Live while this tab is open: contexts and event data are recorded while the task is inspected; earlier records show what happened, without the data.'),
      h('h3', {}, 'Actors'),
      this.#tree,
      h('h3', {}, 'Events'),
      h('div', { class: 'log-scroll' }, this.#log),
      h('h3', {}, 'Record'),
      this.#record,
    );
    this.#draw();
    this.#stream = followEventStream({
      url: `/api/v1/inspect?taskId=${encodeURIComponent(taskId)}`,
      token: this.#token,
      // Open in a hidden tab too: contexts are recorded only while someone inspects (one may
      // inspect here, then approve from a terminal in front of the browser).
      visibility: ALWAYS_SHOWN,
      onMessage: (message) => {
        if (message.event === 'dropped') this.#status.textContent = 'some records were skipped (too many at once)';
        if (message.event !== 'inspection') return;
        try {
          this.#records.push(JSON.parse(message.data) as InspectionRecord);
        } catch {
          return;
        }
        if (this.#records.length > MAX_RECORDS) this.#records = this.#records.slice(-MAX_RECORDS);
        this.#scheduleDraw();
      },
      onStatus: (status) => this.#setStatus(status),
    });
  }

  #setStatus(status: StreamStatus): void {
    const text: Record<StreamStatus, string> = { connecting: 'connecting…', live: '● live', retrying: 'reconnecting…', refused: 'refused' };
    this.#status.textContent = text[status];
    this.#status.className = `stream-status status-${status}`;
  }

  #showIdle(): void {
    this.#title.textContent = 'Inspector';
    this.#status.textContent = '';
    replaceChildren(
      this.#body,
      h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, 'No task inspected.'), h('p', { class: 'muted' }, 'Select a task and choose “Inspect its actors” to watch its XState actors — the task actor and its secOps, approvalStore and executor children — event by event.')),
    );
  }

  #scheduleDraw(): void {
    if (this.#drawScheduled) return;
    this.#drawScheduled = true;
    requestAnimationFrame(() => {
      this.#drawScheduled = false;
      this.#draw();
    });
  }

  #draw(): void {
    // Redrawn whole (a few hundred rows at most, once a frame): keep keyboard focus where it was.
    const focusKey = this.element.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.key : undefined;
    const roots = buildActorTree(this.#records);
    replaceChildren(
      this.#tree,
      roots.length === 0
        ? h('p', { class: 'muted' }, 'No actor has run for this task in this server process yet. Decide its approval (or submit a task) and watch it here.')
        : h('ul', { class: 'tree', role: 'tree' }, roots.map((root, index) => this.#treeItem(root, `run ${index + 1}`))),
    );
    const shown = this.#actorFilter ? this.#records.filter((r) => r.actor.sessionId === this.#actorFilter) : this.#records;
    const atBottom = this.#log.parentElement ? this.#log.parentElement.scrollTop + this.#log.parentElement.clientHeight >= this.#log.parentElement.scrollHeight - 8 : true;
    replaceChildren(this.#log, shown.slice(-300).map((record) => this.#logItem(record)));
    if (atBottom && this.#log.parentElement) this.#log.parentElement.scrollTop = this.#log.parentElement.scrollHeight;
    const selected = this.#records.find((r) => r.seq === this.#selectedSeq) ?? this.#records.at(-1);
    this.#record.textContent = selected ? visibleJson(selected) : 'No record yet.';
    if (focusKey) (this.element.querySelector(`[data-key="${CSS.escape(focusKey)}"]`) as HTMLElement | null)?.focus();
  }

  #treeItem(node: ActorNode, prefix?: string): HTMLLIElement {
    const active = this.#actorFilter === node.sessionId;
    const label = h(
      'span',
      { class: `tree-label${active ? ' active' : ''}`, role: 'treeitem', 'aria-selected': String(active), 'data-key': `actor:${node.sessionId}` },
      prefix ? h('span', { class: 'muted' }, `${prefix} · `) : null,
      h('strong', {}, node.src ?? (node.parentId === null ? 'task' : node.id)),
      h('span', { class: 'mono muted' }, ` ${node.sessionId}`),
      node.value ? h('span', { class: 'tree-value' }, ` ${node.value}`) : null,
      node.status ? h('span', { class: `actor-status actor-${node.status}` }, node.status) : null,
    );
    activatable(label, () => {
      this.#actorFilter = active ? null : node.sessionId;
      this.#draw();
    });
    return h('li', {}, label, node.children.length > 0 ? h('ul', { role: 'group' }, node.children.map((child) => this.#treeItem(child))) : null);
  }

  #logItem(record: InspectionRecord): HTMLLIElement {
    const item = h(
      'li',
      { class: `log-item kind-${recordKind(record)}${record.seq === this.#selectedSeq ? ' selected' : ''}`, 'data-key': `record:${record.seq}` },
      h('span', { class: 'log-kind' }, recordKind(record)),
      h('span', { class: 'log-actor mono' }, record.actor.src ?? (record.actor.parentId === null ? 'task' : record.actor.id)),
      h('span', { class: 'log-summary' }, recordSummary(record)),
      record.detail === 'light' ? h('span', { class: 'muted small', title: 'recorded before this inspector was open: no data' }, '·') : null,
    );
    activatable(item, () => {
      this.#selectedSeq = record.seq;
      this.#draw();
    });
    return item;
  }
}
