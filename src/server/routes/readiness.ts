import { GateError } from '../../errors.ts';
import { storeUnavailableReason } from '../../store/store-outage.ts';
import type { Logger } from '../../engine/logger.ts';
import type { Store } from '../../store/store.ts';
import { withinTime } from '../../util/deadline.ts';
import { defineRoute, type Route, type RouteDeps } from '../route.ts';
import { ReadinessAnswer } from '../schemas.ts';

/** How long `/readyz` waits for the store's answer: a balancer's probe should not hang on a store that hangs. */
export const READINESS_TIMEOUT_MS = 1_000;

/**
 * `/readyz`: readiness, for load balancers and orchestrators (no token). 200 `{ status: 'ready' }`
 * when a trivial store read answers within a second; otherwise 503 `{ status: 'unavailable',
 * reason }`. `/healthz` stays liveness: the process is up, whatever its store does (a
 * restart would not bring a database back).
 * @example mountRoutes(app, readinessRoutes(deps), options);
 */
export function readinessRoutes({ engine, signal, logger }: RouteDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/readyz',
      summary: 'Readiness: whether the store answers within a second (liveness is /healthz)',
      access: 'public',
      responses: {
        200: { description: 'ready', schema: ReadinessAnswer },
        503: { description: 'unavailable: starting, shutting down, or the store did not answer', schema: ReadinessAnswer },
      },
      handle: async ({ c }) => {
        const reason = signal.aborted ? 'shutting down' : await storeNotReady(engine.store, logger);
        return reason === null ? c.json({ status: 'ready' as const }) : c.json({ status: 'unavailable' as const, reason }, 503);
      },
    }),
  ];
}

/** The store's read did not settle within READINESS_TIMEOUT_MS. */
const NO_ANSWER = Symbol('no answer');

/** Null when the store answers a trivial read in time; otherwise why not, in words safe to show anyone. */
async function storeNotReady(store: Store, logger: Logger): Promise<string | null> {
  try {
    await withinTime(store.lastEventId(), READINESS_TIMEOUT_MS, () => NO_ANSWER);
    return null;
  } catch (error) {
    if (error === NO_ANSWER) return `the store did not answer within ${READINESS_TIMEOUT_MS} ms`;
    // Only codes go out: an error's message may name a host, a file or a user.
    const unavailable = storeUnavailableReason(error);
    if (unavailable !== undefined) return `the store is unavailable (${unavailable})`;
    if (error instanceof GateError) return `the store refused to read (${error.code})`;
    logger.warn({ err: error }, 'readiness: the store read failed');
    return 'the store read failed (see the server log)';
  }
}
