import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../engine/logger.ts';
import type { GateMetrics } from './metrics.ts';
import type { AppEnv } from './route.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives each request an id (the client's `x-request-id` when it is sane), answers it in
 * `x-request-id`, and after the answer writes one pino line and one metrics observation per
 * request, labelled by route pattern (never by raw path, so ids do not explode the metrics).
 * The line is at error for a 5xx (a bug), at warn for a 503 (unavailable: a store outage, with
 * its reason and no stack; shutting down), at info otherwise — also a 503 of `/readyz`, which
 * probes ask every few seconds and which is its answer, not a failure.
 * @example app.use('*', requestLog(logger, metrics));
 */
export function requestLog(logger: Logger, metrics: GateMetrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const offered = c.req.header('x-request-id');
    const requestId = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
    c.set('requestId', requestId);
    c.set('principal', null);
    c.set('storeUnavailable', null);
    await next();
    const ms = performance.now() - started;
    const matched = routePath(c);
    const route = matched === '*' || matched === '/*' || matched === '' ? 'unmatched' : matched;
    const status = c.res.status;
    try {
      c.res.headers.set('x-request-id', requestId);
    } catch {
      // An answer with immutable headers keeps them; the id is still in the log line.
    }
    metrics.observeRequest(c.req.method, route, status, ms / 1000);
    const line = {
      reqId: requestId,
      method: c.req.method,
      path: c.req.path.slice(0, 300),
      route,
      status,
      ms: Math.round(ms * 100) / 100,
      principal: c.get('principal')?.id,
    };
    const storeUnavailable = c.get('storeUnavailable');
    if (storeUnavailable) metrics.countStoreError('request');
    if (storeUnavailable) logger.warn({ ...line, code: 'store_unavailable', reason: storeUnavailable }, 'request: the store is unavailable');
    // A readiness probe that answers 503 says what it is for (an outage, a start, a shutdown): info, every probe.
    else if (status === 503 && route === '/readyz') logger.info(line, 'request');
    else if (status === 503) logger.warn(line, 'request');
    else if (status >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
  };
}
