import { ApiClient } from '../api/client.ts';
import { ApiError } from '../api/problem.ts';
import type { Approval, LifecycleEvent, Principal, Task } from '../api/types.ts';
import { ChartView } from '../chart/chart-view.ts';
import { InspectorView } from '../inspector/inspector-view.ts';
import { quoted } from '../logic/quoted.ts';
import { errorSentence } from '../logic/sentences.ts';
import { stateLabel } from '../logic/state-style.ts';
import type { CardActions } from '../ui/approval-card.ts';
import type { DecisionActions } from '../ui/approval-decision.ts';
import { h, replaceChildren } from '../ui/dom.ts';
import { Header } from '../ui/header.ts';
import { QueueView } from '../ui/queue-view.ts';
import { SignIn } from '../ui/sign-in.ts';
import { Tabs } from '../ui/tabs.ts';
import { TaskDetailView } from '../ui/task-detail.ts';
import { TaskListView } from '../ui/task-list.ts';
import { Toasts } from '../ui/toast.ts';
import { drawPerFrame } from './frames.ts';
import { LiveData } from './live-data.ts';
import { tokenStore } from './token-store.ts';

/** Lifecycle event types that name the state a task entered. */
const STATE_EVENTS = /^task\.(proposed|parked|resumed|executing|completed|failed|denied|rerouted|expired|cancelled)$/;

/**
 * The visualizer: signs in, then lays out the page — the statechart across the top (it is
 * eight states deep: it needs the width), the task list below it, and the approval queue,
 * task detail and inspector in tabs on the right — and keeps it live.
 * @example new App(document.body).boot();
 */
export class App {
  readonly #root: HTMLElement;
  readonly #live = new LiveData();
  readonly #header = new Header(() => this.#signOut('Signed out.'));
  readonly #main = h('main', { id: 'main', class: 'main' });
  readonly #banner = h('p', { class: 'banner', role: 'alert', hidden: true });
  readonly #toasts = new Toasts();
  readonly #signIn = new SignIn((token) => this.#trySignIn(token));
  readonly #chart = new ChartView((state) => this.#filterByState(state));
  readonly #tasks = new TaskListView({
    onFilter: (filter) => this.#live.setFilter(filter),
    onSelect: (taskId) => void this.#open(taskId),
    onLoadMore: () => void this.#live.loadTasks(true),
  });
  readonly #queue = new QueueView(this.#cardActions());
  readonly #detail = new TaskDetailView({ ...this.#decisionActions(), inspect: (taskId) => this.#inspect(taskId), open: (taskId) => void this.#open(taskId) });
  readonly #inspector = new InspectorView(() => tokenStore.get(), (taskId) => void this.#open(taskId));
  readonly #tabs = new Tabs(
    [
      { id: 'queue', label: 'Queue', panel: this.#queue.element },
      { id: 'task', label: 'Task', panel: this.#detail.element },
      { id: 'inspector', label: 'Inspector', panel: this.#inspector.element },
    ],
    'Queue, task and inspector',
  );

  constructor(root: HTMLElement) {
    this.#root = root;
    const live = this.#live;
    // Every view draws at most once per frame, with what is newest then: a burst of events
    // must not redraw hundreds of rows and cards per event.
    live.bus.on(
      'counts',
      drawPerFrame((counts) => this.#chart.setCounts(counts)),
    );
    live.bus.on(
      'tasks',
      drawPerFrame((tasks) => {
        for (const task of tasks) this.#chart.noteState(task.id, task.state);
        this.#tasks.show(tasks, live.filter, live.selectedId, live.nextCursor !== null);
      }),
    );
    live.bus.on(
      'queue',
      drawPerFrame((queue) => {
        this.#queue.show(queue.items, live.principal, queue.total, queue.decidable);
        this.#tabs.setCount('queue', queue.total);
      }),
    );
    live.bus.on(
      'detail',
      drawPerFrame((detail) => {
        this.#detail.show(detail, live.principal);
        this.#chart.highlight(detail?.task.history ?? null, detail?.task.state ?? null);
      }),
    );
    live.bus.on('event', (event) => this.#onEvent(event));
    live.bus.on('connection', (connection) => {
      this.#header.setConnection(connection);
      this.#banner.hidden = connection !== 'down' && connection !== 'busy';
      this.#banner.textContent =
        connection === 'busy'
          ? `The server takes no more live streams for this token now (${live.busyReason || 'too many open'}): close other tabs or clients that use it. Until then what you see is reloaded every few seconds; the page goes live on its own.`
          : 'The server is not answering. What you see is what was loaded last; the page reconnects on its own and catches up.';
    });
    live.bus.on('signedOut', (sentence) => this.#signOut(sentence));
  }

  /** Shows the page: the app when a token is kept, else the sign-in panel. */
  async boot(): Promise<void> {
    replaceChildren(
      this.#root,
      // Every task row and chart state is a tab stop: these reach the queue and the list at once.
      h('a', { class: 'skip', href: '#queue-title', onclick: (event) => this.#skipTo(event, 'queue-title') }, 'Skip to the approval queue'),
      h('a', { class: 'skip', href: '#tasks-title', onclick: (event) => this.#skipTo(event, 'tasks-title') }, 'Skip to tasks'),
      h('a', { class: 'skip', href: '#main' }, 'Skip to content'),
      this.#header.element,
      this.#banner,
      this.#main,
      this.#toasts.element,
    );
    const token = tokenStore.get();
    if (!token) return this.#showSignIn(null);
    try {
      await this.#trySignIn(token);
    } catch (error) {
      this.#showSignIn(error instanceof Error ? error.message : null);
    }
  }

  /** Checks a token with the server (`/api/v1/me`); throws a sentence when it is refused. */
  async #trySignIn(token: string): Promise<void> {
    let principal: Principal;
    try {
      principal = await new ApiClient(() => token).get<Principal>('/api/v1/me');
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) tokenStore.clear();
      throw new Error(errorSentence(error, 'sign-in'));
    }
    tokenStore.set(token);
    this.#header.setPrincipal(principal);
    this.#header.setConnection('connecting');
    this.#showApp();
    try {
      await this.#live.start(principal);
      if (this.#live.machine) await this.#chart.show(this.#live.machine);
    } catch (error) {
      this.#toasts.say(errorSentence(error, 'load'), 'warn');
    }
  }

  #showApp(): void {
    replaceChildren(
      this.#main,
      h('div', { class: 'layout' }, this.#chart.element, this.#tasks.element, h('aside', { class: 'right panel', 'aria-label': 'Queue, task and inspector' }, this.#tabs.element)),
    );
    this.#queue.show([], this.#live.principal);
  }

  #showSignIn(sentence: string | null): void {
    this.#header.setPrincipal(null);
    this.#header.setConnection(null);
    this.#banner.hidden = true;
    replaceChildren(this.#main, this.#signIn.element);
    this.#signIn.say(sentence);
    this.#signIn.focus();
  }

  #signOut(sentence: string): void {
    this.#live.stop();
    this.#inspector.watch(null);
    this.#queue.clear();
    tokenStore.clear();
    this.#showSignIn(sentence);
  }

  #onEvent(event: LifecycleEvent): void {
    const state = STATE_EVENTS.exec(event.type)?.[1];
    if (state) this.#chart.pulse(event.taskId, state);
  }

  async #open(taskId: string): Promise<void> {
    this.#tabs.select('task');
    await this.#live.select(taskId);
    // Redrawn for the selection, newest first as always (not in the order tasks were loaded).
    this.#live.relist();
  }

  /** Moves keyboard focus to a panel's heading (showing the queue tab first); Tab goes on from there. */
  #skipTo(event: Event, headingId: string): void {
    const heading = document.getElementById(headingId);
    if (!heading) return;
    event.preventDefault();
    if (headingId === 'queue-title') this.#tabs.select('queue');
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }

  #inspect(taskId: string): void {
    this.#inspector.watch(taskId);
    this.#tabs.select('inspector', true);
  }

  #filterByState(state: string): void {
    const filter = { ...this.#live.filter, state: state as Task['state'] };
    this.#tasks.setFilter(filter);
    this.#live.setFilter(filter);
  }

  #cardActions(): CardActions {
    return {
      ...this.#decisionActions(),
      openTask: (taskId) => void this.#open(taskId),
      readTask: (taskId) => this.#live.api.get<Task>(`/api/v1/tasks/${encodeURIComponent(taskId)}`),
    };
  }

  /**
   * Deciding an approval, from a queue card or the task view alike: the toast says what became of
   * it, and the queue, the counts and the task view (when it shows that task) are reloaded before
   * the decision's controls are given back. A 409 (decided elsewhere, already voted) reloads them
   * too, so both places show where it stands, whatever the event stream has delivered yet; one
   * decided elsewhere is also said in a toast, as its controls go.
   */
  #decisionActions(): DecisionActions {
    const live = this.#live;
    const reload = (taskId: string) => Promise.all([live.loadQueue(), live.loadCounts(), live.selectedId === taskId ? live.loadDetail() : undefined]);
    const decide = async (approval: Approval, verb: 'approve' | 'reject' | 'reroute', body: unknown) => {
      const path = `/api/v1/approvals/${encodeURIComponent(approval.id)}/${verb}`;
      let answer: { approval: Approval; task: Task; alternativeTask?: Task };
      try {
        answer = await live.api.post(path, body);
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) {
          void reload(approval.taskId);
          // Decided elsewhere: the reload takes its decisions (and the sentence under them) away, so it is said here too.
          if (error.code !== 'already_voted') this.#toasts.say(errorSentence(error, verb), 'warn');
        }
        throw error;
      }
      this.#toasts.say(outcomeSentence(verb, answer));
      await reload(answer.task.id);
    };
    return {
      approve: (approval) => decide(approval, 'approve', {}),
      reject: (approval, body) => decide(approval, 'reject', body),
      reroute: (approval, body) => decide(approval, 'reroute', body),
    };
  }
}

function outcomeSentence(verb: string, answer: { approval: Approval; task: Task; alternativeTask?: Task }): string {
  const title = quoted(answer.approval.title);
  if (verb === 'approve' && answer.approval.status === 'pending') return `Your vote on ${title} is in: ${answer.approval.approvals.length} of ${answer.approval.requiredApprovals}.`;
  if (verb === 'approve') return `Approved ${title} — the task is ${stateLabel(answer.task.state)}.`;
  if (verb === 'reject') return `Rejected ${title} — the task is ${stateLabel(answer.task.state)}.`;
  const alternative = answer.alternativeTask;
  return `Rerouted ${title}${alternative ? ` — the alternative ${alternative.actionType} is ${stateLabel(alternative.state)}` : ''}.`;
}
