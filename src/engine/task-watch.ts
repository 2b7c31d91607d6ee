import type { Subscription } from 'rxjs';
import type { LifecycleEvent } from '../model/lifecycle-event.ts';
import { ChurnMap } from '../util/churn-map.ts';
import type { Engine } from './engine-types.ts';

/** What a watcher of one task is told: an event of the task, or the end of the engine's stream. */
export interface TaskWatcher {
  onEvent(): void;
  onEnd(): void;
}

/**
 * The watchers of tasks on one engine, indexed by task id behind one subscription to
 * `engine.events$`: an event costs a map lookup however many long-polls wait (a subscription
 * per waiter made every event cost one callback per waiter — with 10,000 waiting, a fifth of a
 * millisecond per event). Subscribed while anyone watches.
 * @example const unwatch = watchTask(engine, taskId, { onEvent: recheck, onEnd: giveUp });
 */
class TaskWatch {
  readonly #engine: Engine;
  // Long-polls come and go per request: see ChurnMap.
  readonly #byTask = new ChurnMap<string, Set<TaskWatcher>>();
  #subscription: Subscription | null = null;
  #watchers = 0;
  #ended = false;

  constructor(engine: Engine) {
    this.#engine = engine;
  }

  watch(taskId: string, watcher: TaskWatcher): () => void {
    let watchers = this.#byTask.get(taskId);
    if (!watchers) {
      watchers = new Set();
      this.#byTask.set(taskId, watchers);
    }
    watchers.add(watcher);
    this.#watchers += 1;
    if (this.#ended) {
      // The engine closed: nothing more will happen to the task.
      watcher.onEnd();
    } else if (this.#subscription === null) {
      const subscription = this.#engine.events$.subscribe({ next: (event) => this.#publish(event), complete: () => this.#end() });
      // A stream that had already ended completed inside subscribe().
      if (!this.#ended) this.#subscription = subscription;
    }
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      this.#remove(taskId, watcher);
    };
  }

  #publish(event: LifecycleEvent): void {
    const watchers = this.#byTask.get(event.taskId);
    if (!watchers) return;
    // A copy: a watcher may stop watching (or another start) while being told.
    for (const watcher of [...watchers]) watcher.onEvent();
  }

  #end(): void {
    this.#ended = true;
    this.#subscription = null;
    const all = this.#byTask.values().flatMap((watchers) => [...watchers]);
    for (const watcher of all) watcher.onEnd();
  }

  #remove(taskId: string, watcher: TaskWatcher): void {
    const watchers = this.#byTask.get(taskId);
    if (!watchers?.delete(watcher)) return;
    if (watchers.size === 0) this.#byTask.delete(taskId);
    this.#watchers -= 1;
    if (this.#watchers === 0) {
      const subscription = this.#subscription;
      this.#subscription = null;
      subscription?.unsubscribe();
    }
  }
}

const watches = new WeakMap<Engine, TaskWatch>();

/**
 * Watches one task's events on an engine, sharing one subscription with every other watcher of
 * that engine; answers the function that stops watching (idempotent). `onEnd` is called when the
 * engine's event stream ends (the engine closed).
 * @example const unwatch = watchTask(engine, taskId, { onEvent: () => recheck(), onEnd: () => giveUp() });
 */
export function watchTask(engine: Engine, taskId: string, watcher: TaskWatcher): () => void {
  let watch = watches.get(engine);
  if (!watch) {
    watch = new TaskWatch(engine);
    watches.set(engine, watch);
  }
  return watch.watch(taskId, watcher);
}
