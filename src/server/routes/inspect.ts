import { z } from 'zod';
import { parseInput } from '../../engine/validate.ts';
import type { InspectionHub } from '../inspection-hub.ts';
import { inspectionResponse } from '../inspection-stream.ts';
import { defineRoute, type Route, type RouteDeps } from '../route.ts';
import { IdParam } from '../schemas.ts';

const InspectQuery = z.object({ taskId: IdParam });
/** `Last-Event-ID`: the `seq` of the last record the client has. */
const LastSeq = z.string().regex(/^\d{1,15}$/, 'must be a decimal record id').transform(Number);

/** One inspection record (see `InspectionRecord`), as documented in OpenAPI. */
const InspectionRecordDoc = z.object({
  seq: z.number().int(),
  at: z.string(),
  taskId: z.string(),
  type: z.enum(['@xstate.actor', '@xstate.event', '@xstate.snapshot', '@xstate.microstep', '@xstate.action', '@xstate.transition']),
  rootId: z.string(),
  detail: z.enum(['full', 'light']),
  actor: z.object({ sessionId: z.string(), id: z.string(), parentId: z.string().nullable(), src: z.string().nullable() }),
  event: z.unknown().optional(),
  snapshot: z.unknown().optional(),
  action: z.unknown().optional(),
  transitions: z.unknown().optional(),
  truncated: z.literal(true).optional(),
});

/**
 * `/api/v1/inspect?taskId=`: XState's inspection stream of one task's actors (the task actor
 * and its children) as Server-Sent Events — what the hub keeps, then live records. Records
 * carry payloads (contexts, event data) while someone inspects the task, and only the shape
 * of what happened otherwise. `Last-Event-ID` resumes after a record. Read it with `fetch()`
 * and the Authorization header, like `/api/v1/events`, whose stream slots per principal it shares.
 * @example mountRoutes(app, inspectionRoutes(deps, hub), options);
 */
export function inspectionRoutes({ signal, heartbeatMs, metrics, limits }: RouteDeps, hub: InspectionHub): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/inspect',
      summary: "Server-Sent Events: XState's inspection stream of one task's actors (actor tree, events, snapshots)",
      access: 'any',
      query: InspectQuery,
      responses: {
        200: { description: 'text/event-stream: id: seq, event: inspection (or dropped), data: the record', schema: InspectionRecordDoc, contentType: 'text/event-stream' },
      },
      errors: ['too_many_requests'],
      handle: ({ c, principal, query }) => {
        if (c.req.raw.method === 'HEAD') return c.body(null, 200, { 'content-type': 'text/event-stream; charset=utf-8' });
        const header = c.req.header('last-event-id')?.trim();
        const afterSeq = header ? parseInput(LastSeq, header, 'Last-Event-ID header') : 0;
        const release = limits.streams.take(principal!.id);
        metrics.sseClients.inc();
        let ended = false;
        const onEnd = () => {
          if (ended) return;
          ended = true;
          metrics.sseClients.dec();
          release();
        };
        try {
          return inspectionResponse(hub, query.taskId, { afterSeq, heartbeatMs, signal, onEnd });
        } catch (error) {
          onEnd();
          throw error;
        }
      },
    }),
  ];
}
