import type { ServerResponse } from 'node:http';
import { ShuttingDownError } from '../errors.ts';
import { ChurnMap } from '../util/churn-map.ts';
import { problemFromError, problemResponse } from './problem.ts';

type Handler = (request: Request, env: unknown) => Response | Promise<Response>;

/** `Retry-After` of every answer refused at shutdown: about what a restart takes, or a balancer needs to route elsewhere. */
export const SHUTDOWN_RETRY_AFTER_SECONDS = 5;

/**
 * The server's back door while it shuts down. Node's `server.close()` only stops accepting new
 * connections: a keep-alive connection goes on carrying new requests (an operator trial saw
 * 357 of them, new proposals among them, in the 10 s before the connections were cut). From
 * `close()` on:
 * - a request that arrives (on a connection opened before) is answered 503 `shutting_down` with
 *   `Retry-After` and `Connection: close`, and never runs;
 * - a request in flight finishes, and its answer carries `Connection: close`, so Node closes its
 *   connection once the answer is written; one whose headers were already sent (an event
 *   stream) gets its connection ended when it finishes.
 * Idle connections are the server's to close (`server.closeIdleConnections()`).
 * @example const gate = new ShutdownGate(app.fetch); serve({ fetch: gate.fetch, port }); … gate.close(); server.close();
 */
export class ShutdownGate {
  readonly #handle: Handler;
  // One entry per request, thousands a second: a Set here kept every answered request alive until
  // a full GC (see ChurnMap). Keyed by a number, not the response: ChurnMap's keys stay in the chain.
  readonly #inFlight = new ChurnMap<number, ServerResponse>();
  #requests = 0;
  #closing = false;
  #refused = 0;

  constructor(handle: Handler) {
    this.#handle = handle;
  }

  /** The server's fetch handler (`@hono/node-server` passes `{ incoming, outgoing }` as `env`). */
  readonly fetch = (request: Request, env: unknown): Response | Promise<Response> => {
    if (this.#closing) {
      this.#refused += 1;
      return shuttingDownResponse('the server is shutting down: nothing was done; retry (on its successor or another worker)');
    }
    const outgoing = outgoingOf(env);
    if (outgoing) {
      this.#requests += 1;
      const key = this.#requests;
      this.#inFlight.set(key, outgoing);
      outgoing.once('close', () => this.#inFlight.delete(key));
    }
    return this.#handle(request, env);
  };

  /** Requests running now (their answers not yet written). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Requests answered 503 `shutting_down` since `close()`. */
  get refused(): number {
    return this.#refused;
  }

  /** Shutdown begins: refuse what comes, let what runs finish on a connection that then closes. Idempotent. */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    for (const outgoing of this.#inFlight.values()) {
      // Merged into the headers the answer is written with (Node's writeHead keeps setHeader's).
      if (!outgoing.headersSent) {
        outgoing.setHeader('connection', 'close');
        continue;
      }
      // Headers already out (an event stream): end the connection after the answer. The socket
      // is taken now: a finished answer no longer holds it.
      const socket = outgoing.socket;
      if (outgoing.writableFinished) socket?.end();
      else outgoing.once('finish', () => socket?.end());
    }
  }
}

/**
 * The 503 `shutting_down` answer (problem+json, `Retry-After`, `Connection: close`).
 * @example return shuttingDownResponse('the server is shutting down', c.get('requestId'));
 */
export function shuttingDownResponse(detail: string, requestId?: string): Response {
  const error = new ShuttingDownError(detail, SHUTDOWN_RETRY_AFTER_SECONDS);
  const problem = problemFromError(error);
  if (requestId) problem.requestId = requestId;
  return problemResponse(problem, { 'retry-after': String(error.retryAfterSeconds), connection: 'close' });
}

function outgoingOf(env: unknown): ServerResponse | undefined {
  const outgoing = (env as { outgoing?: unknown } | undefined)?.outgoing;
  return outgoing && typeof (outgoing as ServerResponse).setHeader === 'function' ? (outgoing as ServerResponse) : undefined;
}
