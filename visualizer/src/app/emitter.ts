/**
 * A small typed publish/subscribe: views listen to the topics they draw.
 * @example const bus = new Emitter<{ counts: TaskCounts }>(); bus.on('counts', draw); bus.emit('counts', counts);
 */
export class Emitter<Topics extends Record<string, unknown>> {
  readonly #listeners = new Map<keyof Topics, Set<(value: never) => void>>();

  /** Listens to a topic; returns the function that stops listening. */
  on<K extends keyof Topics>(topic: K, listener: (value: Topics[K]) => void): () => void {
    let set = this.#listeners.get(topic);
    if (!set) {
      set = new Set();
      this.#listeners.set(topic, set);
    }
    set.add(listener as (value: never) => void);
    return () => set.delete(listener as (value: never) => void);
  }

  /** Tells every listener of a topic. */
  emit<K extends keyof Topics>(topic: K, value: Topics[K]): void {
    for (const listener of this.#listeners.get(topic) ?? []) (listener as (value: Topics[K]) => void)(value);
  }
}

/**
 * Coalesces calls: the first schedules `task` in `ms`, calls until then join it, so a burst
 * of events causes one refresh (and a steady stream one per `ms`, never starving).
 * @example const refreshCounts = coalesce(() => loadCounts(), 200);
 */
export function coalesce(task: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      task();
    }, ms);
  };
}
