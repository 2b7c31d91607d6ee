import { documentVisibility, type PageVisibility, whenShown } from './page-visibility.ts';
import { type ApiError, NetworkError, problemOf } from './problem.ts';
import { type SseMessage, SseParser } from './sse-parser.ts';

/** Where a stream stands, for the connection indicator. */
export type StreamStatus = 'connecting' | 'live' | 'retrying' | 'refused';

/** How to follow a stream. */
export interface EventStreamOptions {
  /** Path of the stream, e.g. `/api/v1/events`. */
  url: string;
  /** The bearer token; asked for on every (re)connection, so a new token is used at once. */
  token: () => string | null;
  onMessage: (message: SseMessage) => void;
  /**
   * `refused` carries the ApiError (401: the token is no longer valid; it does not retry);
   * `retrying` carries the server's ApiError when it answered 429 (too many streams for the
   * token: it is up, and retries after its Retry-After), nothing when it did not answer.
   */
  onStatus?: (status: StreamStatus, detail?: unknown) => void;
  /** Resume after this id on the first connection (default: none, the stream starts now). */
  lastEventId?: string | null;
  /** Longest wait between reconnections; default 10 s. */
  maxBackoffMs?: number;
  /** Whether the page is shown (default: the document's): hidden, the stream lets its connection go. */
  visibility?: PageVisibility;
}

/** A followed stream: `close()` ends it for good, and it reports no status after that. */
export interface EventStream {
  close(): void;
}

/**
 * Follows a Server-Sent Events stream with `fetch()`, so the token travels in the
 * Authorization header (EventSource cannot send one, and a token in a URL leaks into logs).
 * Reconnects with backoff and `Last-Event-ID`, so nothing is missed across a server restart;
 * stops on 401/403 (retrying a refused token cannot help). While the page is hidden it holds no
 * connection, and resumes after the last event it had once the page is shown again (a browser
 * holds six connections to one server across its tabs: a background tab must not take them).
 * @example const stream = followEventStream({ url: '/api/v1/events', token: () => tokens.get(), onMessage });
 */
export function followEventStream(options: EventStreamOptions): EventStream {
  const controller = new AbortController();
  let lastId = options.lastEventId ?? null;
  let failures = 0;
  // Let go of while the page was hidden: the next connection resumes quietly (the page keeps
  // what it shows, and the events missed meanwhile are replayed after `lastId`).
  let paused = false;
  // The server's 429 to the last attempt, and how long it asked to wait (Retry-After).
  let refusal: ApiError | null = null;
  let refusalWaitMs: number | null = null;
  // Once closed, the stream reports nothing more: its owner closed it, and may already follow a new
  // one whose statuses a late `closed` from this one would overwrite (seen: a page stuck on
  // "Connecting…" after signing in again).
  const status = (value: StreamStatus, detail?: unknown) => {
    if (!controller.signal.aborted) options.onStatus?.(value, detail);
  };

  const visibility = options.visibility ?? documentVisibility();
  const run = async () => {
    while (!controller.signal.aborted) {
      await whenShown(visibility, controller.signal);
      if (controller.signal.aborted) break;
      const token = options.token();
      if (!token) {
        status('refused');
        return;
      }
      // After a pause or a 429 the stream says nothing until it knows more (live, or why not).
      const quiet = paused || refusal !== null;
      refusal = null;
      if (!quiet) status(failures === 0 ? 'connecting' : 'retrying');
      // This connection ends when the stream is closed, or when the page is hidden.
      const connection = new AbortController();
      const end = () => connection.abort();
      controller.signal.addEventListener('abort', end, { once: true });
      const stopWatching = visibility.onChange(() => {
        if (visibility.hidden()) end();
      });
      try {
        const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
        if (lastId !== null) headers['last-event-id'] = lastId;
        // Asserted: Node's RequestInit (tests type-check this file too) lacks the browser's `cache`.
        const response = await fetch(options.url, { headers, signal: connection.signal, cache: 'no-store' } as RequestInit);
        if (response.status === 401 || response.status === 403 || response.status === 400) {
          status('refused', problemOf(response.status, await response.text()));
          return;
        }
        if (response.status === 429) {
          refusal = problemOf(response.status, await response.text());
          refusalWaitMs = retryAfterMs(response.headers.get('retry-after'));
          throw refusal;
        }
        if (!response.ok || !response.body) throw new NetworkError(`stream answered ${response.status}`);
        failures = 0;
        paused = false;
        status('live');
        const parser = new SseParser();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const message of parser.push(value)) {
            if (message.id !== null) lastId = message.id;
            options.onMessage(message);
          }
        }
      } catch {
        if (controller.signal.aborted) break;
      } finally {
        stopWatching();
        controller.signal.removeEventListener('abort', end);
      }
      if (controller.signal.aborted) break;
      // Hidden, not down: wait to be shown, then resume after the last event (no backoff). With
      // no event yet there is nothing to resume after: say `connecting`, so the page reloads.
      if (connection.signal.aborted) {
        paused = lastId !== null;
        if (!paused) status('connecting');
        continue;
      }
      paused = false;
      failures += 1;
      status('retrying', refusal ?? undefined);
      const backoffMs = Math.min(options.maxBackoffMs ?? 10_000, 500 * 2 ** Math.min(failures - 1, 5));
      await sleep(refusal !== null && refusalWaitMs !== null ? refusalWaitMs : backoffMs, controller.signal);
    }
  };
  void run();
  return { close: () => controller.abort() };
}

/** A Retry-After of whole seconds as milliseconds (0.5 s to a minute), or null when there is none. */
function retryAfterMs(header: string | null): number | null {
  const seconds = header === null ? Number.NaN : Number(header.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(60_000, Math.max(500, seconds * 1_000)) : null;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
