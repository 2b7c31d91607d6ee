import type { Engine } from './engine-types.ts';
import { FailureStreak } from '../util/failure-streak.ts';
import type { Logger } from './logger.ts';

/** A running sweeper. */
export interface Sweeper {
  /** Stops scheduling and waits for a sweep in progress. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Applies approval deadlines every `intervalMs` (after `engine.maintain()`, which on a shared
 * store takes over the tasks of dead workers): calls `engine.expireDue(batch)`, again at
 * once while whole batches come back (a backlog after downtime drains quickly), then sleeps.
 * Sweeps never overlap. Deadlines are data in the store, so a restarted sweeper catches up on
 * whatever expired while the process was down. A sweep that keeps failing (the store is down)
 * is logged once at warn, then at most once a minute, and once at info when sweeps work again.
 * @example const sweeper = startSweeper(engine, { intervalMs: 1_000, logger }); … await sweeper.stop();
 */
export function startSweeper(engine: Engine, options: { intervalMs: number; logger: Logger; batch?: number }): Sweeper {
  const batch = options.batch ?? 500;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const failures = new FailureStreak(options.logger, 'sweep', () => engine.clock.now());

  const sweep = async () => {
    try {
      // On a shared store: take over dead workers' tasks, reload autonomy, read others' events.
      await engine.maintain();
      for (let expired = batch; expired >= batch && !stopped; ) {
        expired = await engine.expireDue(batch);
        if (expired > 0) options.logger.info({ expired }, 'sweeper applied deadlines');
      }
      failures.succeeded();
    } catch (error) {
      if (!stopped) failures.failed(error);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep().finally(schedule);
    }, options.intervalMs);
    timer.unref?.();
  };
  running = sweep().finally(schedule);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
