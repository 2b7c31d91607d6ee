import { waitForTask } from '../../engine/task-waiter.ts';
import type { Principal } from '../../model/principal.ts';
import { Task } from '../../model/task.ts';
import { defineRoute, type Route, type RouteDeps } from '../route.ts';
import { shuttingDownResponse } from '../shutdown-gate.ts';
import { departmentOf } from '../task-department.ts';
import { CancelBody, ListTasksQuery, TaskAnswer, TaskPage, TaskSubmission, WaitQuery, withoutNulls } from '../schemas.ts';

/**
 * `/api/v1/tasks`: submit, list, read, long-poll and cancel tasks.
 * @example mountRoutes(app, taskRoutes(deps), options);
 */
export function taskRoutes({ engine, metrics, signal, logger, limits }: RouteDeps): Route[] {
  const quota = limits.proposals;
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/tasks',
      summary: 'Propose an action; answers once the task is parked or terminal',
      access: ['agent', 'admin'],
      body: TaskSubmission,
      responses: {
        201: { description: 'the task, created now', schema: TaskAnswer },
        200: {
          description:
            'the task this idempotencyKey created before (header Idempotent-Replayed: true; Idempotency-Key-Mismatch lists the fields in which this body differs from the first, when it does)',
          schema: TaskAnswer,
        },
      },
      errors: ['forbidden', 'too_many_requests'],
      // The proposal rate per principal: refused before the body is read when nothing is left,
      // charged by the body's size once it is read — before it is parsed, valid or not.
      ...(quota
        ? { admit: (principal: Principal) => quota.check(principal.id), chargeBody: (principal: Principal, bytes: number) => quota.charge(principal.id, bytes) }
        : {}),
      handle: async ({ c, principal, body: sent }) => {
        const body = withoutNulls(sent);
        const department = await departmentOf(engine, principal!, body.department);
        const { task, created, replayDifferences } = await engine.submit({ ...body, department, agentId: principal!.id });
        if (!created) {
          // API.md: the first task, 200. Extension: say that it is a replay, and whether this body asked for something else.
          c.header('Idempotent-Replayed', 'true');
          if (replayDifferences && replayDifferences.length > 0) {
            c.header('Idempotency-Key-Mismatch', replayDifferences.join(', '));
            logger.warn({ agentId: principal!.id, taskId: task.id, differing: replayDifferences }, 'idempotency key reused for a different proposal: answered the first task');
          }
        }
        return c.json({ task }, created ? 201 : 200);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/tasks',
      summary: 'List tasks, newest first',
      access: 'any',
      query: ListTasksQuery,
      responses: { 200: { description: 'a page of tasks', schema: TaskPage } },
      handle: async ({ c, query }) => {
        const page = await engine.list({ limit: query.limit, ...(query.state ? { state: query.state } : {}), ...(query.cursor ? { cursor: query.cursor } : {}) });
        return c.json(page);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/tasks/{id}',
      summary: 'A task with its history',
      access: 'any',
      errors: ['not_found'],
      responses: { 200: { description: 'the task', schema: Task } },
      handle: async ({ c, params }) => c.json(await engine.get(params.id!, { history: true })),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/tasks/{id}/wait',
      summary: 'Long-poll: the task once it is no longer parked, or still parked after timeoutMs',
      access: 'any',
      query: WaitQuery,
      errors: ['not_found', 'shutting_down'],
      responses: { 200: { description: 'the task', schema: Task } },
      handle: async ({ c, params, query }) => {
        const task = await waitForTask(engine, params.id!, { timeoutMs: query.timeoutMs, signal: mergeSignals(signal, c.req.raw.signal) });
        // Cut short by shutdown, still parked: not a timeout (a client would take it for one and
        // give up); 503 with Retry-After, so that it waits again on the next server.
        if (signal.aborted && task.state === 'parked') {
          return shuttingDownResponse(`the server is shutting down while task ${task.id} is still parked: wait again`, c.get('requestId'));
        }
        return c.json(task);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/tasks/{id}/cancel',
      summary: 'Cancel a parked task (its agent, or an admin); its approval is cancelled too',
      access: ['agent', 'admin'],
      body: CancelBody,
      errors: ['not_found', 'invalid_transition'],
      responses: { 200: { description: 'the cancelled task', schema: TaskAnswer } },
      handle: async ({ c, principal, params, body }) => {
        const task = await engine.cancel(params.id!, principal!, body.reason);
        metrics.countDecision('cancel');
        return c.json({ task });
      },
    }),
  ];
}

/** Aborts when either signal does (server shutdown, or the client went away). */
function mergeSignals(a: AbortSignal, b: AbortSignal | undefined): AbortSignal {
  return b ? AbortSignal.any([a, b]) : a;
}
