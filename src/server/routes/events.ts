import { z } from 'zod';
import { parseInput } from '../../engine/validate.ts';
import { LifecycleEvent } from '../../model/lifecycle-event.ts';
import { EventFeed, type FeedStart } from '../event-feed.ts';
import { defineRoute, type Route, type RouteDeps } from '../route.ts';
import { sseResponse } from '../sse.ts';

/** `Last-Event-ID`: the decimal journal id of the last event the client has. */
const LastEventId = z.string().regex(/^\d{1,15}$/, 'must be a decimal event id').transform(Number);

/**
 * `/api/v1/events`: every lifecycle event as Server-Sent Events. Without `Last-Event-ID` the
 * stream starts at the newest event; with it, the store replays everything after that id
 * first (also across server restarts: ids are journal ids), then live events follow.
 * `Last-Event-ID: 0` replays the whole journal. Each open stream takes one of its principal's
 * stream slots until it ends (429 `too_many_requests` when they are all taken).
 * @example mountRoutes(app, eventRoutes(deps), options);
 */
export function eventRoutes({ engine, metrics, signal, heartbeatMs, logger, limits }: RouteDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/events',
      summary: 'Server-Sent Events: every lifecycle event; Last-Event-ID replays what was missed',
      access: 'any',
      responses: {
        200: { description: 'text/event-stream of LifecycleEvent (id: journal id, event: type, data: JSON)', schema: LifecycleEvent, contentType: 'text/event-stream' },
      },
      errors: ['too_many_requests'],
      handle: async ({ c, principal }) => {
        // HEAD: the headers of a stream without opening one (nobody would ever read or cancel it).
        if (c.req.raw.method === 'HEAD') return c.body(null, 200, { 'content-type': 'text/event-stream; charset=utf-8' });
        const header = c.req.header('last-event-id');
        const start: FeedStart = header === undefined || header.trim() === '' ? 'now' : parseInput(LastEventId, header.trim(), 'Last-Event-ID header');
        const release = limits.streams.take(principal!.id);
        let feed: EventFeed;
        try {
          feed = await EventFeed.open(engine.store, engine.events$, start);
        } catch (error) {
          release();
          throw error;
        }
        metrics.sseClients.inc();
        return sseResponse(feed, {
          heartbeatMs,
          signal,
          logger,
          onEnd: () => {
            metrics.sseClients.dec();
            release();
          },
        });
      },
    }),
  ];
}
