import type { Logger } from '../engine/logger.ts';
import type { LifecycleEvent } from '../model/lifecycle-event.ts';
import { failureSummary, storeUnavailableReason } from '../store/store-outage.ts';
import type { EventFeed } from './event-feed.ts';

/** How an event stream behaves. */
export interface SseOptions {
  /** An idle stream sends a `: heartbeat` comment this often, so proxies keep it open. */
  heartbeatMs: number;
  /** Ends the stream (server shutdown). */
  signal: AbortSignal;
  logger: Logger;
  /** Called once when the stream ends, however it ends. */
  onEnd?: () => void;
}

/**
 * One lifecycle event in Server-Sent Events framing: `id:` (the journal id), `event:` (the
 * type), `data:` (the event as one line of JSON).
 * @example formatSseEvent(event) // 'id: 7\nevent: task.parked\ndata: {"id":7,…}\n\n'
 */
export function formatSseEvent(event: LifecycleEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The headers of every event stream: no caching, no proxy buffering. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/**
 * A `text/event-stream` response that pulls from a feed: one chunk per batch of events, a
 * heartbeat comment when idle. It is pull-based, so a slow client slows only its own feed;
 * when the client goes away (the body is cancelled) or the server shuts down, the feed closes
 * and its subscription ends.
 * @example return sseResponse(await EventFeed.open(store, engine.events$, 'now'), { heartbeatMs: 15_000, signal, logger });
 */
export function sseResponse(feed: EventFeed, options: SseOptions): Response {
  const encoder = new TextEncoder();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    feed.close();
    options.signal.removeEventListener('abort', end);
    options.onEnd?.();
  };
  options.signal.addEventListener('abort', end, { once: true });
  if (options.signal.aborted) end();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`retry: 2000\n: tollgate events after id ${feed.cursor}\n\n`));
    },
    async pull(controller) {
      // A client that went away cancels the stream: nothing may be enqueued or closed after that.
      const closeQuietly = () => {
        try {
          controller.close();
        } catch {
          // already closed by the client's cancel
        }
      };
      try {
        const batch = await feed.next(options.heartbeatMs);
        if (batch === null || ended) {
          end();
          closeQuietly();
          return;
        }
        controller.enqueue(encoder.encode(batch.length > 0 ? batch.map(formatSseEvent).join('') : ': heartbeat\n\n'));
      } catch (error) {
        // The store away (an outage, not a bug): one warn line with the reason, no stack; the
        // client reconnects with Last-Event-ID (retry: 2000) and is replayed what it missed.
        if (!ended && storeUnavailableReason(error) !== undefined) options.logger.warn(failureSummary(error), 'event stream ended: the store is unavailable');
        else if (!ended) options.logger.error({ err: error }, 'event stream failed');
        end();
        closeQuietly();
      }
    },
    cancel() {
      end();
    },
  });
  return new Response(body, {
    status: 200,
    headers: SSE_HEADERS,
  });
}
