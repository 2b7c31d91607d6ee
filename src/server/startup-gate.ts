import { problemOf, problemResponse } from './problem.ts';

type Handler = (request: Request, env: unknown) => Response | Promise<Response>;

/** Answered at once, even while recovering: liveness and metrics say how the process is, not the engine. */
const NEVER_HELD = new Set(['/healthz', '/metrics']);

/**
 * The server's front door while it recovers interrupted tasks: the port is already taken (so a
 * second server fails before it has run anything), and the requests that arrive meanwhile wait
 * until recovery is done. If recovery fails they are answered 503, never dropped. `/healthz`
 * and `/metrics` pass at once.
 * @example const gate = new StartupGate(app.fetch); serve({ fetch: gate.fetch, port }); await engine.recover(); gate.open();
 */
export class StartupGate {
  readonly #handle: Handler;
  #state: 'recovering' | 'open' | 'failed' = 'recovering';
  readonly #waiting: Array<() => void> = [];

  constructor(handle: Handler) {
    this.#handle = handle;
  }

  /** The server's fetch handler. */
  readonly fetch = (request: Request, env: unknown): Response | Promise<Response> => {
    if (this.#state === 'open' || NEVER_HELD.has(new URL(request.url).pathname)) return this.#handle(request, env);
    if (this.#state === 'failed') return unavailable();
    return new Promise<void>((resolve) => this.#waiting.push(resolve)).then(() =>
      this.#state === 'open' ? this.#handle(request, env) : unavailable(),
    );
  };

  /** Recovery is done: the waiting requests run, in the order they came. */
  open(): void {
    this.#settle('open');
  }

  /** Recovery failed: the waiting requests, and any later one, are answered 503. */
  fail(): void {
    this.#settle('failed');
  }

  #settle(state: 'open' | 'failed'): void {
    if (this.#state !== 'recovering') return;
    this.#state = state;
    for (const release of this.#waiting.splice(0)) release();
  }
}

function unavailable(): Response {
  return problemResponse(problemOf('engine_closed', 'the server could not recover its interrupted tasks and is stopping'));
}
