import type { Engine } from '../engine/engine-types.ts';

/** What is told of each sweep: when it ended well (epoch ms), or that it failed. */
export type SweepOutcome = { ok: true; atMs: number } | { ok: false };

/**
 * The engine as the deadline sweeper (engine/sweeper.ts) sees it, telling `observe` how each
 * sweep ends, so that the server's metrics can show the last good sweep and count failures
 * without a hook in the sweeper. A sweep is `maintain()`, then `expireDue(batch)` again and
 * again until a batch comes back short: it succeeded when that short batch came back, and
 * failed when either call threw. `batch` must be the sweeper's (pass it to both). Every other
 * member is the engine's own, bound to it (a Proxy: the engine's private fields stay reachable).
 * @example startSweeper(observeSweeps(engine, 500, (outcome) => metrics.observeSweep(outcome)), { intervalMs, logger, batch: 500 });
 */
export function observeSweeps(engine: Engine, batch: number, observe: (outcome: SweepOutcome) => void): Engine {
  const failed = (error: unknown): never => {
    observe({ ok: false });
    throw error;
  };
  const maintain = () => engine.maintain().catch(failed);
  const expireDue = (limit?: number) =>
    engine.expireDue(limit).then((expired) => {
      if (expired < (limit ?? batch)) observe({ ok: true, atMs: Date.now() });
      return expired;
    }, failed);
  return new Proxy(engine, {
    get(target, property) {
      if (property === 'maintain') return maintain;
      if (property === 'expireDue') return expireDue;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
