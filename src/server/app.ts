import { setMaxListeners } from 'node:events';
import { Hono } from 'hono';
import type { Clock } from '../engine/clock.ts';
import type { Engine } from '../engine/engine-types.ts';
import { ClosedError, TooManyRequestsError } from '../errors.ts';
import { createLogger, type Logger } from '../engine/logger.ts';
import { asStoreUnavailable } from '../store/store-outage.ts';
import { TokenTable } from './auth.ts';
import { InspectionHub } from './inspection-hub.ts';
import { createMetrics, type GateMetrics } from './metrics.ts';
import { mountRoutes } from './mount-routes.ts';
import { problemFromError, problemOf, problemResponse } from './problem.ts';
import { MAX_BODY_BYTES } from './request-body.ts';
import { createRequestLimits, type RequestLimitOptions } from './request-limits.ts';
import { allowedHosts } from './allowed-hosts.ts';
import { requestLog } from './request-log.ts';
import { type AppEnv, pathMatcher, type Route, type RouteDeps } from './route.ts';
import { approvalRoutes } from './routes/approvals.ts';
import { autonomyRoutes } from './routes/autonomy.ts';
import { auditRoutes } from './routes/audit.ts';
import { eventRoutes } from './routes/events.ts';
import { machineRoutes } from './routes/machines.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { operationRoutes } from './routes/operations.ts';
import { readinessRoutes } from './routes/readiness.ts';
import { taskRoutes } from './routes/tasks.ts';
// The visualizer (issue 6): its page and assets, and the API routes it adds.
import { inspectionRoutes } from './routes/inspect.ts';
import { sessionRoutes } from './routes/session.ts';
import { taskCountRoutes } from './routes/task-counts.ts';
import { visualizerRoutes } from './routes/visualizer.ts';
import type { TokenGrant } from './tokens-file.ts';

/** What the HTTP app is built from. Only `engine` and `tokens` are required. */
export interface AppOptions {
  engine: Engine;
  /** Bearer tokens: a table, or grants as a tokens file holds them. */
  tokens: TokenTable | readonly TokenGrant[];
  /** Request logs and errors; default: the library's silent-unless-configured logger. */
  logger?: Logger;
  /** Default: a fresh registry fed by `engine.events$`. */
  metrics?: GateMetrics;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  /** Idle event streams send a comment this often; default 15 s. */
  heartbeatMs?: number;
  /** Abort it to end event streams and long-polls (graceful shutdown). */
  signal?: AbortSignal;
  /** Shown in the OpenAPI document. */
  version?: string;
  /**
   * Feeds `/api/v1/inspect`: the hub the engine was created with (`createEngine({ inspect:
   * hub.inspect })`). Default: an empty hub (the route answers, with nothing to show).
   */
  inspection?: InspectionHub;
  /**
   * What one token can make the server do (429 `too_many_requests` with `Retry-After` beyond):
   * event streams per principal, proposals per second per principal, audit verification
   * pacing. Default: `DEFAULT_REQUEST_LIMITS`.
   */
  limits?: RequestLimitOptions;
  /** Where the limits read time; default the engine's clock. */
  clock?: Clock;
  /**
   * Host names (`Host` header, port ignored) the server answers; others get 403 — against DNS
   * rebinding of a server on a local interface. Default: any.
   */
  allowedHosts?: readonly string[];
}

/** The Hono app, with the routes it mounted (the OpenAPI document and 405s are built from them). */
export type TollgateApp = Hono<AppEnv> & { readonly tollgateRoutes: readonly Route[] };

/**
 * Builds the HTTP API of API.md over an engine. In-process tests call `app.request(...)`;
 * `startServer` serves it on a socket. Every error, unknown routes and wrong methods included,
 * is `application/problem+json` with type, title, status, detail and code.
 * @example
 * const app = createApp({ engine, tokens: [{ token: 'x'.repeat(32), principal: { id: 'alice', roles: ['approver'] } }] });
 * const res = await app.request('/api/v1/approvals', { headers: { authorization: `Bearer ${'x'.repeat(32)}` } });
 */
export function createApp(options: AppOptions): TollgateApp {
  const logger = options.logger ?? createLogger();
  const tokens = options.tokens instanceof TokenTable ? options.tokens : new TokenTable(options.tokens);
  const metrics = options.metrics ?? createMetrics(options.engine, { logger });
  const signal = options.signal ?? new AbortController().signal;
  // Every open stream and long-poll listens to it: Node's warning at 11 listeners would report a
  // leak where there are only clients (streams are bounded per principal by the limits instead).
  setMaxListeners(0, signal);
  const deps: RouteDeps = {
    engine: options.engine,
    metrics,
    logger,
    signal,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    limits: createRequestLimits(options.limits ?? {}, options.clock ?? options.engine.clock),
    departmentOfAgent: (agentId) => tokens.departmentOf(agentId),
  };
  const routes: Route[] = [];
  routes.push(
    ...visualizerRoutes(),
    ...operationRoutes(deps),
    ...readinessRoutes(deps),
    ...touchingTheStore(taskRoutes(deps)),
    ...touchingTheStore(approvalRoutes(deps)),
    ...touchingTheStore(autonomyRoutes(deps)),
    ...touchingTheStore(eventRoutes(deps)),
    ...touchingTheStore(auditRoutes(deps)),
    ...machineRoutes(),
    ...sessionRoutes(),
    ...touchingTheStore(taskCountRoutes(deps)),
    ...inspectionRoutes(deps, options.inspection ?? new InspectionHub()),
    ...openApiRoutes(() => routes, options.version ?? '0.1.0'),
  );

  const app = new Hono<AppEnv>();
  app.use('*', requestLog(logger, metrics));
  if (options.allowedHosts && options.allowedHosts.length > 0) app.use('*', allowedHosts(options.allowedHosts));
  // Every answer is what its content-type says, never sniffed into something a browser renders:
  // a problem's detail may echo a path or a value the caller sent (`<script>` in a 404).
  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('x-content-type-options', 'nosniff');
  });
  mountRoutes(app, routes, { tokens, maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES });

  const matchers = routes.map((route) => ({ method: route.method, matches: pathMatcher(route.path) }));
  app.notFound((c) => {
    const path = c.req.path.slice(0, 200);
    // API.md: a token on every /api/v1 route, the routes that do not exist included, so that
    // which routes exist is not told to whoever asks without one.
    if (c.req.path === '/api/v1' || c.req.path.startsWith('/api/v1/')) {
      try {
        tokens.authenticate(c.req.header('authorization'));
      } catch (error) {
        const problem = problemFromError(error);
        problem.requestId = c.get('requestId');
        return problemResponse(problem, { 'www-authenticate': 'Bearer realm="tollgate"' });
      }
    }
    const allowed: string[] = [...new Set(matchers.filter((m) => m.matches(c.req.path)).map((m) => m.method))];
    if (allowed.length > 0) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      const problem = problemOf('method_not_allowed', `${c.req.method} is not allowed on ${path}; use ${allowed.join(', ')}`, {
        requestId: c.get('requestId'),
      });
      return problemResponse(problem, { allow: allowed.join(', ') });
    }
    return problemResponse(problemOf('not_found', `no route ${c.req.method} ${path}`, { requestId: c.get('requestId') }));
  });
  app.onError((raised, c) => {
    // A store outage is the environment's, not a bug: 503 store_unavailable with Retry-After,
    // and the request's own log line says so at warn (request-log.ts), without a stack.
    const unavailable = asStoreUnavailable(raised);
    const error = unavailable ?? raised;
    const problem = problemFromError(error);
    problem.requestId = c.get('requestId');
    if (unavailable) c.set('storeUnavailable', unavailable.reason);
    // The engine or store closed under a request: the shutdown ended it (README "Shutdown",
    // step 5), not a bug; its request line says 503 at warn.
    else if (problem.status >= 500 && !(error instanceof ClosedError)) logger.error({ err: error, reqId: problem.requestId }, 'request failed (a bug)');
    const headers: Record<string, string> = {};
    if (unavailable) headers['retry-after'] = String(unavailable.retryAfterSeconds);
    if (problem.code === 'unauthorized') headers['www-authenticate'] = 'Bearer realm="tollgate"';
    if (error instanceof TooManyRequestsError) headers['retry-after'] = String(error.retryAfterSeconds);
    return problemResponse(problem, headers);
  });
  return Object.assign(app, { tollgateRoutes: routes as readonly Route[] });
}

/** Routes that read or write the store: an outage answers them 503 `store_unavailable` (so OpenAPI lists it). */
function touchingTheStore(routes: Route[]): Route[] {
  return routes.map((route) => ({ ...route, errors: [...(route.errors ?? []), 'store_unavailable'] }));
}
