import { isTerminal, TaskState } from '../model/task-state.ts';
import type { Store } from '../store/store.ts';

/**
 * How many tasks are in each state, as this process sees it: seeded once from the store,
 * then kept current from lifecycle events (`task.<state>`). Transient states without an
 * event of their own (evaluating, autoApproved, awaitingHuman) count under the state last
 * announced; they last microseconds. Only unfinished tasks are remembered by id.
 *
 * @example
 * const counts = new TaskStateCounts();
 * engine.events$.subscribe((event) => counts.observe(event.taskId, event.type));
 * await counts.seed(engine.store);
 */
export class TaskStateCounts {
  readonly #counts = new Map<TaskState, number>();
  readonly #unfinished = new Map<string, TaskState>();
  /** Tasks seen in events while the seed scan runs: the events are newer than the scan. */
  #seenDuringSeed: Set<string> | null = null;

  /** Applies a lifecycle event; ignores events that do not name a state. */
  observe(taskId: string, eventType: string): void {
    if (!eventType.startsWith('task.')) return;
    const parsed = TaskState.safeParse(eventType.slice('task.'.length));
    if (!parsed.success) return;
    this.#seenDuringSeed?.add(taskId);
    this.#move(taskId, parsed.data);
  }

  /** Counts every stored task once (all pages). Call once, at start. */
  async seed(store: Store, pageSize = 1_000): Promise<void> {
    this.#seenDuringSeed = new Set();
    try {
      let cursor: string | undefined;
      do {
        const page = await store.listTasks({ limit: pageSize, ...(cursor ? { cursor } : {}) });
        for (const record of page.items) {
          if (!this.#seenDuringSeed.has(record.id) && !this.#unfinished.has(record.id)) this.#move(record.id, record.state);
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    } finally {
      this.#seenDuringSeed = null;
    }
  }

  /** The count of every state (zero included). */
  snapshot(): Record<TaskState, number> {
    const out = {} as Record<TaskState, number>;
    for (const state of TaskState.options) out[state] = this.#counts.get(state) ?? 0;
    return out;
  }

  #move(taskId: string, to: TaskState): void {
    const from = this.#unfinished.get(taskId);
    if (from === to) return;
    if (from !== undefined) this.#counts.set(from, Math.max(0, (this.#counts.get(from) ?? 0) - 1));
    this.#counts.set(to, (this.#counts.get(to) ?? 0) + 1);
    if (isTerminal(to)) this.#unfinished.delete(taskId);
    else this.#unfinished.set(taskId, to);
  }
}
