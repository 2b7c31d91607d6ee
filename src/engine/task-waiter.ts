import type { Task } from '../model/task.ts';
import type { Engine } from './engine-types.ts';
import { watchTask } from './task-watch.ts';

/** How long to wait and for what. */
export interface WaitOptions {
  timeoutMs: number;
  /** Stops waiting early (client gone, server shutting down): answers the task as it is. */
  signal?: AbortSignal;
  /** What the caller waits for; default: the task is no longer `parked`. */
  until?: (task: Task) => boolean;
}

/**
 * Waits until a task satisfies `until` (default: it left `parked`), or until the timeout, and
 * answers the task as it then is. Watches the task's events (task-watch.ts: one subscription
 * for all waiters) before reading the task, so a transition between the read and the watch
 * cannot be missed. A standalone
 * function over the Engine interface: the engine needs no change for it.
 * @throws NotFoundError when there is no such task
 * @example const task = await waitForTask(engine, taskId, { timeoutMs: 30_000 });
 */
export function waitForTask(engine: Engine, taskId: string, options: WaitOptions): Promise<Task> {
  const until = options.until ?? ((task: Task) => task.state !== 'parked');
  return new Promise<Task>((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: { task: Task } | { error: unknown }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unwatch();
      options.signal?.removeEventListener('abort', giveUp);
      if ('task' in outcome) resolve(outcome.task);
      else reject(outcome.error);
    };
    const check = (final: boolean) => {
      if (done) return;
      engine.get(taskId).then(
        (task) => {
          if (final || until(task)) finish({ task });
        },
        (error) => finish({ error }),
      );
    };
    const giveUp = () => check(true);
    const unwatch = watchTask(engine, taskId, { onEvent: () => check(false), onEnd: giveUp });
    if (options.signal?.aborted) {
      giveUp();
      return;
    }
    options.signal?.addEventListener('abort', giveUp, { once: true });
    timer = setTimeout(giveUp, Math.max(0, options.timeoutMs));
    check(false);
  });
}
