import type { Approval, Principal, Task } from '../api/types.ts';
import type { TaskDetail } from '../app/live-data.ts';
import { formatCountdown, msUntil } from '../logic/countdown.ts';
import { quoted } from '../logic/quoted.ts';
import { stateLabel, stateTone } from '../logic/state-style.ts';
import { buildTimeline } from '../logic/timeline.ts';
import { showArguments, summarizeRequest } from '../logic/request-summary.ts';
import { visibleJson, visibleText } from '../../../src/util/visible-text.ts';
import { argumentsBlock } from './arguments-block.ts';
import { type Child, h, replaceChildren } from './dom.ts';
import type { DecisionActions } from './approval-decision.ts';
import { suggestedReroute } from './request-review.ts';
import { TaskDecision } from './task-decision.ts';

/** What the detail asks the page to do: its approval's decisions, as the queue's cards send them, too. */
export interface DetailActions extends DecisionActions {
  inspect(taskId: string): void;
  open(taskId: string): void;
}

/**
 * The selected task: what it is, the verdict, the rules that matched and the reroute SecOps suggested, its approval and
 * votes, its arguments, the decisions on its approval while it is pending (`TaskDecision`), and
 * its timeline (history steps and audit entries, oldest first).
 * Text from agents and executors shows its hidden characters as escapes (`visibleText`).
 * @example const detail = new TaskDetailView(actions); detail.show(live.detail, live.principal);
 */
export class TaskDetailView {
  readonly element: HTMLElement;
  readonly #actions: DetailActions;
  readonly #decision: TaskDecision;
  /** The task shown (null: none): a redraw of the same task keeps keyboard focus where it was. */
  #shownId: string | null = null;

  constructor(actions: DetailActions) {
    this.#actions = actions;
    this.#decision = new TaskDecision(actions);
    this.element = h('section', { class: 'detail', 'aria-label': 'Selected task' });
    this.show(null, null);
  }

  /** Shows a task (null: none) as `principal` sees it: what they may decide on it, or why not. */
  show(detail: TaskDetail | null, principal: Principal | null): void {
    // Every live event of the task redraws the view. Focus stays where it was: in the decision (and
    // what is typed there), or on the control of the same name (`data-focus-key`: the status, the
    // arguments, Inspect…); a decision sent from the view moves it to the approval's status.
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const hadFocus = this.#decision.hadFocus;
    const sameTask = detail !== null && detail.task.id === this.#shownId;
    const focusKey = sameTask && focused !== null && this.element.contains(focused) ? focused.dataset.focusKey : undefined;
    this.#shownId = detail?.task.id ?? null;
    if (!detail) {
      this.#decision.clear();
      replaceChildren(
        this.element,
        h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, 'No task selected.'), h('p', { class: 'muted' }, 'Pick one in the task list, a state on the chart, or “Open task” in the queue: its path lights up on the chart and its story shows here.')),
      );
      return;
    }
    const { task, audit, approval } = detail;
    const decision = this.#decision.section(task, approval, principal);
    replaceChildren(
      this.element,
      h(
        'header',
        { class: 'detail-head' },
        h('div', {}, h('span', { class: `pill tone-${stateTone(task.state)}` }, stateLabel(task.state)), ' ', h('span', { class: 'mono muted' }, task.id)),
        h('h2', { class: 'detail-title' }, visibleText(task.title)),
        h('p', { class: 'muted' }, h('span', { class: 'mono' }, task.actionType), ` · by ${task.agentId}`, task.department ? ` · ${visibleText(task.department)}` : '', ` · ${new Date(task.createdAt).toLocaleString()}`),
        task.description ? h('p', { class: 'detail-description' }, visibleText(task.description, { prose: true })) : null,
        h('button', { type: 'button', 'data-focus-key': 'inspect', onclick: () => this.#actions.inspect(task.id) }, 'Inspect its actors'),
      ),
      section('Verdict', verdict(task)),
      approval ? section('Approval', approvalBlock(approval), decision ? toDecision(decision) : null) : null,
      outcome(task, this.#actions),
      section('Arguments', ...argumentsBlock(showArguments(task.args), 'Arguments', { 'data-focus-key': 'arguments' })),
      decision,
      section('Timeline', timeline(task, audit)),
    );
    if (hadFocus && decision && focused && decision.contains(focused)) focused.focus();
    else if (hadFocus && !decision) this.#focusKeyed('approval-status');
    else if (focusKey) this.#focusKeyed(focusKey, { preventScroll: true });
  }

  #focusKeyed(key: string, options?: FocusOptions): void {
    this.element.querySelector<HTMLElement>(`[data-focus-key="${key}"]`)?.focus(options);
  }
}

function section(title: string, ...body: Child[]): HTMLElement {
  return h('section', { class: 'detail-section' }, h('h3', {}, title), ...body);
}

function verdict(task: Task): Child {
  const v = task.verdict;
  if (!v) return h('p', { class: 'muted' }, 'Not judged yet.');
  return [
    h('p', {}, h('span', { class: `verdict verdict-${v.decision}` }, v.decision), ' ', visibleText(v.reason)),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Risk'),
      h('dd', {}, task.riskLevel ? h('span', { class: `risk risk-${task.riskLevel}` }, task.riskLevel) : '—'),
      h('dt', {}, 'Autonomy'),
      h('dd', {}, task.autonomy ?? '—'),
      h('dt', {}, 'Policy'),
      h('dd', { class: 'mono' }, v.policyVersion),
    ),
    v.matchedRules.length > 0 ? h('ul', { class: 'chips', 'aria-label': 'Matched rules' }, v.matchedRules.map((rule) => h('li', { class: 'chip mono' }, rule))) : h('p', { class: 'muted' }, 'No rule matched.'),
    suggestion(task),
  ];
}

/** The reroute SecOps suggested (escaped as the queue card shows it), when it suggested one. */
function suggestion(task: Task): Child {
  const suggested = summarizeRequest(task).suggestion;
  if (!suggested) return null;
  return suggestedReroute(suggested, { class: 'detail-suggestion', lead: 'SecOps suggests instead: reroute to ' });
}

function approvalBlock(approval: Approval): Child {
  const left = approval.status === 'pending' ? msUntil(approval.expiresAt, Date.now()) : null;
  return [
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Status'),
      h('dd', {}, h('span', { class: `status status-${approval.status} detail-approval-status`, tabindex: -1, 'data-focus-key': 'approval-status' }, approval.status)),
      h('dt', {}, 'Votes'),
      h('dd', {}, `${approval.approvals.length} of ${approval.requiredApprovals}`),
      approval.status === 'pending' ? [h('dt', {}, 'Deadline'), h('dd', {}, approval.expiresAt ? `${formatCountdown(left)} left` : 'none')] : null,
      approval.decidedBy ? [h('dt', {}, 'Decided by'), h('dd', {}, approval.decidedBy)] : null,
      approval.decisionReason ? [h('dt', {}, 'Reason'), h('dd', {}, visibleText(approval.decisionReason))] : null,
    ),
    approval.approvals.length > 0
      ? h('ul', { class: 'votes-list' }, approval.approvals.map((vote) => h('li', {}, h('strong', {}, vote.by), ` approved ${new Date(vote.at).toLocaleTimeString()}`, vote.comment ? ` — ${quoted(vote.comment)}` : '')))
      : null,
  ];
}

/** A link from the approval's status down to its decision, which sits under the arguments it decides on. */
function toDecision(decision: HTMLElement): HTMLElement {
  const go = () => {
    const heading = decision.querySelector<HTMLElement>('h3');
    heading?.setAttribute('tabindex', '-1');
    heading?.focus({ preventScroll: true });
    // All of it in view (not only its heading at the panel's bottom edge) as far as it fits.
    decision.scrollIntoView({ block: 'nearest' });
  };
  return h('button', { type: 'button', class: 'link detail-to-decision', 'data-focus-key': 'to-decision', onclick: go }, 'Your decision ↓');
}

function outcome(task: Task, actions: DetailActions): Child {
  if (task.alternative) {
    return section(
      'Rerouted to',
      h('p', {}, h('span', { class: 'mono' }, task.alternative.actionType), task.alternative.title ? ` — ${visibleText(task.alternative.title)}` : '', task.alternative.reason ? ` (${visibleText(task.alternative.reason)})` : ''),
      task.alternativeTaskId
        ? h('button', { type: 'button', class: 'link', 'data-focus-key': 'open-alternative', onclick: () => actions.open(task.alternativeTaskId!) }, 'Open the alternative task')
        : null,
    );
  }
  if (task.error) return section('Error', h('p', { class: 'error-text' }, h('span', { class: 'mono' }, task.error.code), ' ', visibleText(task.error.message)));
  if (task.result !== null) return section('Result', h('pre', { class: 'json' }, visibleJson(task.result)));
  return null;
}

function timeline(task: Task, audit: TaskDetail['audit']): Child {
  const entries = buildTimeline(task, audit);
  if (entries.length === 0) return h('p', { class: 'muted' }, 'Nothing recorded yet.');
  return h(
    'ol',
    { class: 'timeline' },
    entries.map((entry) =>
      h(
        'li',
        { class: `tl-${entry.kind}${entry.state ? ` tone-${stateTone(entry.state)}` : ''}` },
        h('time', { datetime: entry.at }, new Date(entry.at).toLocaleTimeString()),
        h('span', { class: 'tl-title' }, entry.kind === 'state' ? `→ ${stateLabel(entry.title)}` : entry.title),
        h('span', { class: 'tl-by muted' }, entry.by),
        entry.note ? h('span', { class: 'tl-note' }, entry.note) : null,
      ),
    ),
  );
}
