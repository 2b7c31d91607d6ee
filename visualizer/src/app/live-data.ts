import { ApiClient } from '../api/client.ts';
import { type EventStream, followEventStream, type StreamStatus } from '../api/event-stream.ts';
import { ApiError } from '../api/problem.ts';
import type { Approval, AuditEntry, LifecycleEvent, MachineDefinition, Principal, Task, TaskCounts, TaskPage } from '../api/types.ts';
import { decisionLimit } from '../logic/decision-limit.ts';
import { arrangeQueue } from '../logic/queue-arrangement.ts';
import { NO_FILTER, type TaskFilter } from '../logic/task-filter.ts';
import { listTasks } from '../logic/task-listing.ts';
import { coalesce, Emitter } from './emitter.ts';
import { tokenStore } from './token-store.ts';

/**
 * How the page is connected: `live` (events flow), `connecting`, `down` (server unreachable,
 * retrying), `busy` (the server answers but takes no more event streams for this token: 429).
 */
export type Connection = 'connecting' | 'live' | 'down' | 'busy';

/** A selected task with what its detail shows. */
export interface TaskDetail {
  task: Task;
  audit: AuditEntry[];
  approval: Approval | null;
}

/**
 * The queue as shown: the most urgent pending approvals, and how many are pending in all. For an
 * approver whose limit is below `critical`, those they may decide come first, and `decidable`
 * says how many of all pending those are.
 */
export interface QueuePage {
  items: Approval[];
  total: number;
  decidable?: number;
}

/** What views listen to. */
export interface LiveTopics extends Record<string, unknown> {
  connection: Connection;
  counts: TaskCounts;
  tasks: Task[];
  queue: QueuePage;
  detail: TaskDetail | null;
  /** A lifecycle event, as it arrives (the chart pulses). */
  event: LifecycleEvent;
  /** The token was refused: sign in again, with this sentence. */
  signedOut: string;
}

const PAGE_SIZE = 100;
/** Pending approvals shown at once (the API's largest page). */
const QUEUE_PAGE = 200;
/** Tasks listed as they arrive; pages loaded with "Load older tasks" come on top of it. */
const MAX_LISTED = 300;
/** More changed tasks than this in one refresh: reload the page of tasks instead of each. */
const MAX_SINGLE_REFRESH = 20;

/**
 * The page's live state: who is signed in, the machine, counts, tasks, the approval queue and
 * the selected task, kept current from the event stream. Every refresh an event causes is
 * coalesced, so a burst of events costs a few requests, not one per event.
 * @example const live = new LiveData(); live.bus.on('queue', drawQueue); await live.start(principal);
 */
export class LiveData {
  readonly bus = new Emitter<LiveTopics>();
  readonly api = new ApiClient(() => tokenStore.get());
  principal: Principal | null = null;
  machine: MachineDefinition | null = null;
  counts: TaskCounts = {};
  tasks = new Map<string, Task>();
  nextCursor: string | null = null;
  filter: TaskFilter = { ...NO_FILTER };
  queue: QueuePage = { items: [], total: 0 };
  detail: TaskDetail | null = null;
  selectedId: string | null = null;
  connection: Connection = 'connecting';
  /** Why the server refused the event stream, in its words, while `busy`. */
  busyReason = '';
  #stream: EventStream | null = null;
  #changed = new Set<string>();
  #everLive = false;
  /** Bumped by every start and stop: a start that finds it changed was overtaken. */
  #generation = 0;
  #listLimit = MAX_LISTED;
  readonly #refreshCounts = coalesce(() => void this.loadCounts(), 250);
  readonly #refreshQueue = coalesce(() => void this.loadQueue(), 250);
  readonly #refreshDetail = coalesce(() => void this.loadDetail(), 200);
  readonly #refreshTasks = coalesce(() => void this.#loadChangedTasks(), 200);

  /** Starts following the server as `principal`: loads everything once the event stream is live. */
  async start(principal: Principal): Promise<void> {
    // A start overtaken by a sign-out or a newer start (a reload's own sign-in still loading
    // while someone else signs in) must not open a stream of its own once its load returns.
    const generation = ++this.#generation;
    this.principal = principal;
    const machine = await this.api.get<MachineDefinition>('/api/v1/machines/task');
    if (generation !== this.#generation) return;
    this.machine = machine;
    this.#stream?.close();
    this.connection = 'connecting';
    this.#stream = followEventStream({
      url: '/api/v1/events',
      token: () => tokenStore.get(),
      onMessage: (message) => {
        if (message.event === 'message' || message.data === '') return;
        try {
          this.#onEvent(JSON.parse(message.data) as LifecycleEvent);
        } catch {
          // a malformed event is skipped; the next refresh shows the truth anyway
        }
      },
      onStatus: (status, detail) => this.#onStreamStatus(status, detail),
    });
  }

  /** Stops following (sign out). */
  stop(): void {
    this.#generation += 1;
    this.#stream?.close();
    this.#stream = null;
    this.#everLive = false;
    // The next stream's `live` is news again, whatever this one last said.
    this.connection = 'connecting';
  }

  /** Reloads counts, the task list, the queue and the selected task. */
  async loadAll(): Promise<void> {
    await Promise.all([this.loadCounts(), this.loadTasks(), this.loadQueue(), this.loadDetail()]);
  }

  async loadCounts(): Promise<void> {
    await this.#guard(async () => {
      this.counts = (await this.api.get<{ counts: TaskCounts }>('/api/v1/task-counts')).counts;
      this.bus.emit('counts', this.counts);
    });
  }

  /** The first page of tasks under the current filter's state (other filters apply in the page). */
  async loadTasks(more = false): Promise<void> {
    await this.#guard(async () => {
      const page = await this.api.get<TaskPage>('/api/v1/tasks', {
        limit: PAGE_SIZE,
        state: this.filter.state,
        cursor: more ? (this.nextCursor ?? undefined) : undefined,
      });
      if (!more) {
        this.tasks.clear();
        this.#listLimit = MAX_LISTED;
      }
      for (const task of page.items) this.tasks.set(task.id, task);
      this.nextCursor = page.nextCursor;
      // An older page asked for is shown: the limit grows to hold it.
      if (more) this.#listLimit = Math.max(this.#listLimit, this.tasks.size);
      this.#emitTasks();
    });
  }

  async loadQueue(): Promise<void> {
    await this.#guard(async () => {
      // The server's urgency order: with more pending than one page, the page holds the most
      // urgent ones (newest first would leave out exactly the oldest, nearest their deadline).
      const query = { status: 'pending', order: 'urgency', limit: QUEUE_PAGE };
      // An approver below critical also gets the most urgent of what they may decide: with more
      // riskier ones pending than a page holds, the first page alone would show them none.
      const limit = decisionLimit(this.principal);
      const narrowed = limit !== null && limit !== 'critical' ? limit : null;
      const [page, mine] = await Promise.all([
        this.api.get<{ items: Approval[]; total: number }>('/api/v1/approvals', query),
        narrowed ? this.api.get<{ items: Approval[]; total: number }>('/api/v1/approvals', { ...query, riskAtMost: narrowed }) : null,
      ]);
      this.queue = {
        items: arrangeQueue(page.items, mine?.items ?? null, narrowed),
        total: page.total,
        ...(mine ? { decidable: mine.total } : {}),
      };
      this.bus.emit('queue', this.queue);
    });
  }

  /** Selects a task (null: none) and loads its detail. */
  async select(taskId: string | null): Promise<void> {
    this.selectedId = taskId;
    if (taskId === null) {
      this.detail = null;
      this.bus.emit('detail', null);
      return;
    }
    await this.loadDetail();
  }

  async loadDetail(): Promise<void> {
    const taskId = this.selectedId;
    if (taskId === null) return;
    await this.#guard(async () => {
      const id = encodeURIComponent(taskId);
      const [task, audit] = await Promise.all([
        this.api.get<Task>(`/api/v1/tasks/${id}`),
        this.api.get<{ items: AuditEntry[] }>('/api/v1/audit', { taskId }),
      ]);
      const approval = task.approvalId ? await this.api.get<Approval>(`/api/v1/approvals/${encodeURIComponent(task.approvalId)}`) : null;
      if (this.selectedId !== taskId) return;
      this.detail = { task, audit: audit.items, approval };
      this.#merge(task);
      this.bus.emit('detail', this.detail);
    });
  }

  /** Changes the filter; a new state filter reloads from the server. */
  setFilter(filter: TaskFilter): void {
    const stateChanged = filter.state !== this.filter.state;
    this.filter = filter;
    if (stateChanged) void this.loadTasks();
    else this.#emitTasks();
  }

  #onEvent(event: LifecycleEvent): void {
    this.bus.emit('event', event);
    this.#refreshCounts();
    this.#changed.add(event.taskId);
    this.#refreshTasks();
    if (event.type.startsWith('approval.') || event.type === 'task.parked' || event.type === 'task.cancelled') this.#refreshQueue();
    if (event.taskId === this.selectedId) this.#refreshDetail();
  }

  #onStreamStatus(status: StreamStatus, detail: unknown): void {
    if (status === 'refused') {
      this.#signOut(detail);
      return;
    }
    const refused = status === 'retrying' && detail instanceof ApiError && detail.status === 429;
    const connection: Connection = status === 'live' ? 'live' : refused ? 'busy' : status === 'retrying' ? 'down' : 'connecting';
    if (refused) {
      this.busyReason = detail.detail;
      // The server answers everything else: show what it holds (not empty lists), again at each
      // retry (Retry-After apart), since no event says what changed.
      void this.loadAll();
    }
    if (connection === this.connection) return;
    this.connection = connection;
    this.bus.emit('connection', connection);
    // (Re)connected: events while away were replayed or are in what we load now.
    if (connection === 'live') {
      this.#everLive = true;
      void this.loadAll();
    }
  }

  async #loadChangedTasks(): Promise<void> {
    const ids = [...this.#changed];
    this.#changed.clear();
    if (ids.length > MAX_SINGLE_REFRESH) return this.loadTasks();
    await this.#guard(async () => {
      const tasks = await Promise.all(ids.map((id) => this.api.get<Task>(`/api/v1/tasks/${encodeURIComponent(id)}`).catch(() => null)));
      for (const task of tasks) if (task) this.#merge(task);
      this.#emitTasks();
    });
  }

  /** Keeps a fresh copy of a task: updates a listed one, adds a new one that fits the state filter. */
  #merge(task: Task): void {
    if (this.tasks.has(task.id) || !this.filter.state || this.filter.state === task.state) this.tasks.set(task.id, task);
  }

  /** Tells the list what it shows now (newest first), letting go of the oldest past the limit. */
  relist(): void {
    this.#emitTasks();
  }

  #emitTasks(): void {
    const { listed, dropped, cursor } = listTasks(this.tasks.values(), this.#listLimit, this.selectedId);
    for (const id of dropped) this.tasks.delete(id);
    if (cursor !== null) this.nextCursor = cursor;
    this.bus.emit('tasks', listed);
  }

  /**
   * Runs a load; a refused token signs out, other failures leave the last good state shown.
   * Signed out, nothing loads (a refresh already due at the sign-out has no token to send), and
   * a 401 counts only for the session that made the request: one that came back after the next
   * sign-in would otherwise sign that new session out (seen in the browser test under load: the
   * page stuck on "Connecting…", then back at the sign-in form).
   */
  async #guard(load: () => Promise<void>): Promise<void> {
    if (this.#stream === null) return;
    const generation = this.#generation;
    try {
      await load();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401 && generation === this.#generation) this.#signOut(error);
      // Unreachable server: the stream's status already says so, and reconnecting reloads.
    }
  }

  #signOut(detail: unknown): void {
    this.stop();
    tokenStore.clear();
    const sentence = detail instanceof ApiError && detail.status === 403 ? 'This token may not read the API.' : 'The server no longer accepts your token. Enter it again.';
    this.bus.emit('signedOut', sentence);
  }

  /** Whether the stream has been live at least once since start. */
  get everLive(): boolean {
    return this.#everLive;
  }
}
