import { ClosedError } from '../errors.ts';
import { ChurnMap } from '../util/churn-map.ts';
import type { TaskRun } from './task-run.ts';

/** The tasks alive in memory, by id. A task appears here only while it is moving. */
export class TaskKeyedRuns {
  // Tasks come and go by the thousand per second: a Map here kept every finished task alive
  // until a full GC (see ChurnMap).
  #runs = new ChurnMap<string, TaskRun>();

  add(run: TaskRun): void {
    this.#runs.set(run.taskId, run);
  }
  delete(run: TaskRun): void {
    if (this.#runs.get(run.taskId) === run) this.#runs.delete(run.taskId);
  }
  get(taskId: string): TaskRun | undefined {
    return this.#runs.get(taskId);
  }
  has(taskId: string): boolean {
    return this.#runs.has(taskId);
  }
  get size(): number {
    return this.#runs.size;
  }
  /** Ids of the runs holding their task's lease (for the heartbeat). */
  leasedIds(): string[] {
    const ids: string[] = [];
    for (const run of this.#runs.values()) if (run.leased) ids.push(run.taskId);
    return ids;
  }

  /** Waits until every run has come to rest, or abandons what is left after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#runs.size > 0 && Date.now() < deadline) {
      const pending = this.#runs.values().map((run) => run.settled.catch(() => undefined));
      await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())))]);
    }
    for (const run of this.#runs.values()) run.abandon(
        new ClosedError('engine', `the engine closed before task ${run.taskId} came to rest; it continues from its last commit at the next recover()`),
      );
  }
}
