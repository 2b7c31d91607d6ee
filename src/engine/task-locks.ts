import { ChurnMap } from '../util/churn-map.ts';

/**
 * Serialises work per key (a task id) inside one process: decisions, cancels and timeouts on
 * the same task run one after another, so the second sees what the first did. Across
 * processes the store's compare-and-set on the task revision does the same job.
 * @example await locks.run(taskId, () => decideOnTask(taskId));
 */
export class KeyedLocks {
  // One entry per decision or cancel in flight, churned all the time: see ChurnMap.
  #tails = new ChurnMap<string, Promise<unknown>>();

  /** Runs `work` after every earlier `run` with the same key has finished. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Whether work with this key is queued or running. */
  busy(key: string): boolean {
    return this.#tails.has(key);
  }

  /** Keys with work queued or running. */
  get size(): number {
    return this.#tails.size;
  }
}
