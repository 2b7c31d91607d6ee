import { problemOf, problemResponse } from './problem.ts';

type Handler = (request: Request, env: unknown) => Response | Promise<Response>;

/** Answered at once, even while starting: liveness and metrics say how the process is, not the engine. */
const NEVER_HELD = new Set(['/healthz', '/metrics']);

/**
 * The server's front door while it starts. The port is taken first (so a second server fails
 * before it has opened, migrated or run anything); then the store opens and the app is built
 * (`route`), then interrupted tasks are recovered (`open`). Requests that arrive meanwhile wait;
 * if starting fails they are answered 503, never dropped. `/healthz` is answered at once (by the
 * gate itself while there is no app yet), `/metrics` too once the app exists (503 before),
 * and `/readyz` is 503 `{ status: 'unavailable', reason: 'starting' }` until the doors open.
 * @example const gate = new StartupGate(); serve({ fetch: gate.fetch, port }); gate.route(createApp(…).fetch); await engine.recover(); gate.open();
 */
export class StartupGate {
  #handle: Handler | null;
  #state: 'starting' | 'open' | 'failed' = 'starting';
  readonly #waiting: Array<() => void> = [];

  /** `handle`: the app, when it exists already; otherwise give it to `route` once it does. */
  constructor(handle?: Handler) {
    this.#handle = handle ?? null;
  }

  /** The server's fetch handler. */
  readonly fetch = (request: Request, env: unknown): Response | Promise<Response> => {
    if (this.#state === 'open' && this.#handle) return this.#handle(request, env);
    const path = new URL(request.url).pathname;
    if (path === '/readyz') return Response.json({ status: 'unavailable', reason: this.#state === 'failed' ? 'could not start' : 'starting' }, { status: 503 });
    if (NEVER_HELD.has(path)) {
      if (this.#handle) return this.#handle(request, env);
      if (path === '/healthz') return Response.json({ status: 'ok' });
      return problemResponse(problemOf('store_unavailable', 'the server is still opening its store'), { 'retry-after': '1' });
    }
    if (this.#state === 'failed') return unavailable();
    return new Promise<void>((resolve) => this.#waiting.push(resolve)).then(() =>
      this.#state === 'open' && this.#handle ? this.#handle(request, env) : unavailable(),
    );
  };

  /** The app exists (its store is open): liveness and metrics are its own from now on; the rest still wait. */
  route(handle: Handler): void {
    this.#handle = handle;
  }

  /** Started: the waiting requests run, in the order they came. */
  open(): void {
    this.#settle('open');
  }

  /** Starting failed: the waiting requests, and any later one, are answered 503. */
  fail(): void {
    this.#settle('failed');
  }

  #settle(state: 'open' | 'failed'): void {
    if (this.#state !== 'starting') return;
    this.#state = state;
    for (const release of this.#waiting.splice(0)) release();
  }
}

function unavailable(): Response {
  return problemResponse(problemOf('engine_closed', 'the server could not start (open its store or recover its interrupted tasks) and is stopping'));
}
