import type { Task, TaskState } from '../api/types.ts';
import { formatAgo, refreshAgo } from '../logic/countdown.ts';
import { stateLabel, stateTone } from '../logic/state-style.ts';
import { distinctValues, matchesFilter, NO_FILTER, type TaskFilter } from '../logic/task-filter.ts';
import { rovingTarget } from '../logic/roving-focus.ts';
import { visibleText } from '../../../src/util/visible-text.ts';
import { activatable, h, replaceChildren } from './dom.ts';

/** What the list needs from the page. */
export interface TaskListHandlers {
  onFilter(filter: TaskFilter): void;
  onSelect(taskId: string): void;
  onLoadMore(): void;
}

const STATES: TaskState[] = ['proposed', 'evaluating', 'autoApproved', 'awaitingHuman', 'parked', 'resumed', 'reevaluating', 'executing', 'completed', 'failed', 'denied', 'rerouted', 'expired', 'cancelled', 'quarantined'];
const RISKS = ['low', 'medium', 'high', 'critical', 'none'];
/** How often the "Updated" times are brought up to date between redraws. */
const AGO_REFRESH_MS = 15_000;

/**
 * The task list: filters (state, action type, risk, agent) and one row per task, newest
 * first. Rows are reachable with Tab and open with Enter or Space.
 * @example const list = new TaskListView(handlers); list.show(tasks, filter, selectedId, hasMore);
 */
export class TaskListView {
  readonly element: HTMLElement;
  readonly #rows: HTMLOListElement;
  /** The row that is the list's tab stop (the one focused last, or the selected one). */
  #tabStopId: string | null = null;
  readonly #footer: HTMLElement;
  readonly #count: HTMLElement;
  readonly #fields: { state: HTMLSelectElement; actionType: HTMLInputElement; risk: HTMLSelectElement; agent: HTMLInputElement };
  readonly #suggestions = { actionTypes: h('datalist', { id: 'action-types' }), agents: h('datalist', { id: 'agents' }) };
  readonly #handlers: TaskListHandlers;
  /** Rows kept by task id, redrawn only when what they show changed. */
  readonly #drawn = new Map<string, { shows: string; row: HTMLLIElement }>();
  #suggested = '';

  constructor(handlers: TaskListHandlers) {
    this.#handlers = handlers;
    const change = () => handlers.onFilter(this.#read());
    this.#fields = {
      state: h('select', { id: 'filter-state', onchange: change }, h('option', { value: '' }, 'any state'), STATES.map((s) => h('option', { value: s }, stateLabel(s)))),
      actionType: h('input', { id: 'filter-action', type: 'search', placeholder: 'e.g. deploy:', list: 'action-types', autocomplete: 'off', oninput: change }),
      risk: h('select', { id: 'filter-risk', onchange: change }, h('option', { value: '' }, 'any risk'), RISKS.map((r) => h('option', { value: r }, r === 'none' ? 'not judged' : r))),
      agent: h('input', { id: 'filter-agent', type: 'search', placeholder: 'agent id', list: 'agents', autocomplete: 'off', oninput: change }),
    };
    this.#rows = h('ol', { class: 'task-rows', 'aria-label': 'Tasks (arrow keys move between them)' });
    // One tab stop for the whole list: the arrow keys, Page Up/Down, Home and End move within it.
    this.#rows.addEventListener('keydown', (event) => {
      const rows = [...this.#rows.children] as HTMLElement[];
      const current = rows.indexOf(document.activeElement as HTMLElement);
      const target = current < 0 ? null : rovingTarget(event.key, current, rows.length);
      if (target === null) return;
      event.preventDefault();
      this.#rove(rows, target);
      rows[target]?.focus();
    });
    // A row focused by a click (or a skip link) becomes the tab stop, so Tab back in returns there.
    this.#rows.addEventListener('focusin', (event) => {
      const rows = [...this.#rows.children] as HTMLElement[];
      const index = rows.indexOf(event.target as HTMLElement);
      if (index >= 0) this.#rove(rows, index);
    });
    this.#footer = h('div', { class: 'list-footer' });
    this.#count = h('span', { class: 'muted' });
    const label = (text: string, forId: string, control: HTMLElement) => h('label', { class: 'filter', for: forId }, h('span', {}, text), control);
    this.element = h(
      'section',
      { class: 'panel tasks-panel', 'aria-labelledby': 'tasks-title' },
      h('header', { class: 'panel-head' }, h('h2', { id: 'tasks-title' }, 'Tasks'), this.#count),
      h(
        'div',
        { class: 'filters', role: 'search' },
        label('State', 'filter-state', this.#fields.state),
        label('Action', 'filter-action', this.#fields.actionType),
        label('Risk', 'filter-risk', this.#fields.risk),
        label('Agent', 'filter-agent', this.#fields.agent),
        h('button', { class: 'ghost', type: 'button', onclick: () => this.#clear() }, 'Clear'),
        this.#suggestions.actionTypes,
        this.#suggestions.agents,
      ),
      h('div', { class: 'task-head', 'aria-hidden': 'true' }, h('span', {}, 'State'), h('span', {}, 'Task'), h('span', {}, 'Action'), h('span', {}, 'Risk'), h('span', {}, 'Agent'), h('span', {}, 'Updated')),
      h('div', { class: 'task-scroll' }, this.#rows, this.#footer),
    );
    // Rows are kept while their task is unchanged, so their "Updated" words would go stale.
    setInterval(() => refreshAgo(this.#rows.querySelectorAll<HTMLElement>('.cell-updated'), Date.now()), AGO_REFRESH_MS);
  }

  /** Sets the filter controls (when the chart picks a state). */
  setFilter(filter: TaskFilter): void {
    this.#fields.state.value = filter.state;
    this.#fields.actionType.value = filter.actionType;
    this.#fields.risk.value = filter.risk;
    this.#fields.agent.value = filter.agent;
  }

  /** Draws the tasks that pass the filter; keeps the focused row focused. */
  show(tasks: Task[], filter: TaskFilter, selectedId: string | null, hasMore: boolean): void {
    const focusedId = (document.activeElement as HTMLElement | null)?.dataset?.taskId;
    const shown = tasks.filter((task) => matchesFilter(task, filter));
    const now = Date.now();
    const actionTypes = distinctValues(tasks, (t) => t.actionType);
    const agents = distinctValues(tasks, (t) => t.agentId);
    const suggested = JSON.stringify([actionTypes, agents]);
    if (suggested !== this.#suggested) {
      this.#suggested = suggested;
      replaceChildren(this.#suggestions.actionTypes, actionTypes.map((v) => h('option', { value: v })));
      replaceChildren(this.#suggestions.agents, agents.map((v) => h('option', { value: v })));
    }
    this.#count.textContent = shown.length === tasks.length ? `${tasks.length} shown` : `${shown.length} of ${tasks.length} loaded`;
    const rows = shown.map((task) => this.#rowOf(task, task.id === selectedId, now));
    const listed = new Set(shown.map((task) => task.id));
    for (const id of this.#drawn.keys()) if (!listed.has(id)) this.#drawn.delete(id);
    const children = this.#rows.children;
    if (children.length !== rows.length || rows.some((row, index) => children[index] !== row)) this.#rows.replaceChildren(...rows);
    const filtered = JSON.stringify(filter) !== JSON.stringify(NO_FILTER);
    const loadOlder = () => h('button', { type: 'button', class: 'ghost', onclick: () => this.#handlers.onLoadMore() }, 'Load older tasks');
    if (shown.length === 0 && filtered) {
      // Action, risk and agent are matched in the loaded pages only: older tasks may still match.
      replaceChildren(
        this.#footer,
        h(
          'div',
          { class: 'empty' },
          h('p', {}, hasMore ? `None of the ${tasks.length} tasks loaded matches these filters; older ones may.` : 'No task matches these filters.'),
          hasMore ? loadOlder() : null,
          h('button', { type: 'button', onclick: () => this.#clear() }, 'Clear filters'),
        ),
      );
    } else if (shown.length === 0) {
      replaceChildren(
        this.#footer,
        h('div', { class: 'empty' }, h('p', {}, 'No tasks yet.'), h('p', { class: 'muted' }, 'Agents propose actions with POST /api/v1/tasks (or tollgate tasks propose); they appear here as they arrive.')),
      );
    } else {
      replaceChildren(this.#footer, hasMore ? loadOlder() : null);
    }
    const drawnRows = [...this.#rows.children] as HTMLElement[];
    const stop = [focusedId, this.#tabStopId, selectedId].map((id) => drawnRows.findIndex((row) => id != null && row.dataset.taskId === id)).find((index) => index >= 0);
    this.#rove(drawnRows, stop ?? 0);
    if (focusedId) (this.#rows.querySelector(`[data-task-id="${CSS.escape(focusedId)}"]`) as HTMLElement | null)?.focus();
  }

  /** Makes row `index` the list's one tab stop. */
  #rove(rows: readonly HTMLElement[], index: number): void {
    rows.forEach((row, i) => {
      row.setAttribute('tabindex', i === index ? '0' : '-1');
    });
    this.#tabStopId = rows[index]?.dataset.taskId ?? null;
  }

  /** The task's row: the one drawn before when it still shows the same, else a new one. */
  #rowOf(task: Task, selected: boolean, now: number): HTMLLIElement {
    const shows = JSON.stringify([task.updatedAt, task.state, task.title, task.actionType, task.riskLevel, task.agentId, selected]);
    const drawn = this.#drawn.get(task.id);
    if (drawn && drawn.shows === shows) return drawn.row;
    const row = this.#row(task, selected, now);
    this.#drawn.set(task.id, { shows, row });
    return row;
  }

  #row(task: Task, selected: boolean, now: number): HTMLLIElement {
    const row = h(
      'li',
      { class: `task-row${selected ? ' selected' : ''}`, 'data-task-id': task.id, 'aria-current': selected ? 'true' : null },
      h('span', { class: 'cell-state' }, h('span', { class: `pill tone-${stateTone(task.state)}` }, stateLabel(task.state))),
      h('span', { class: 'task-title' }, h('strong', {}, visibleText(task.title)), h('small', { class: 'mono muted' }, task.id)),
      h('span', { class: 'mono cell-action truncate' }, task.actionType),
      h('span', { class: 'cell-risk' }, task.riskLevel ? h('span', { class: `risk risk-${task.riskLevel}` }, task.riskLevel) : h('span', { class: 'muted' }, '—')),
      h('span', { class: 'truncate cell-agent' }, task.agentId),
      h('span', { class: 'muted cell-updated', title: task.updatedAt }, formatAgo(task.updatedAt, now)),
    );
    activatable(row, () => this.#handlers.onSelect(task.id), `${visibleText(task.title)}, ${stateLabel(task.state)}, ${task.actionType}`);
    return row;
  }

  #read(): TaskFilter {
    return {
      state: this.#fields.state.value as TaskState | '',
      actionType: this.#fields.actionType.value,
      risk: this.#fields.risk.value,
      agent: this.#fields.agent.value,
    };
  }

  #clear(): void {
    this.setFilter(NO_FILTER);
    this.#handlers.onFilter({ ...NO_FILTER });
  }
}
