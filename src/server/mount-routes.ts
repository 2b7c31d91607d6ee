import { z } from 'zod';
import type { Hono } from 'hono';
import { ForbiddenError } from '../errors.ts';
import { parseInput } from '../engine/validate.ts';
import { mayAccess, type TokenTable } from './auth.ts';
import { readJsonBody } from './request-body.ts';
import { parseQuery } from './request-query.ts';
import { type AppEnv, honoPath, type Route } from './route.ts';
import { IdParam } from './schemas.ts';

/** What mounting needs besides the routes. */
export interface MountOptions {
  tokens: TokenTable;
  maxBodyBytes: number;
}

/** The query of a route that takes none: any parameter but a cache-buster (`_=…`) is a 400. */
const NO_QUERY = z.object({});

/**
 * Mounts route definitions on a Hono app. Each request goes through the same steps, in the
 * order a client can fix things: token (401), role (403), the route's `admit` (429: before
 * anything is read), path and query (400), body (415, 413; then the route's `chargeBody` by its
 * size, 429; then 400); only then does the handler call the engine. A request rejected by any
 * step has changed nothing, but for what its body's size was charged.
 * @example mountRoutes(app, taskRoutes(deps), { tokens, maxBodyBytes: MAX_BODY_BYTES });
 */
export function mountRoutes(app: Hono<AppEnv>, routes: readonly Route[], options: MountOptions): void {
  for (const route of routes) {
    app.on(route.method, honoPath(route.path), async (c) => {
      let principal = null;
      if (route.access !== 'public') {
        principal = options.tokens.authenticate(c.req.header('authorization'));
        c.set('principal', principal);
        if (!mayAccess(principal, route.access)) {
          throw new ForbiddenError(`${principal.id} may not ${route.method} ${route.path} (needs ${describeAccess(route)})`);
        }
        route.admit?.(principal);
      }
      const params: Record<string, string> = {};
      for (const [name, value] of Object.entries(c.req.param() as Record<string, string>)) {
        params[name] = parseInput(IdParam, value, `path parameter ${name}`);
      }
      // A route that takes no query still refuses one it was given (`/api/v1/events?lastEventId=7`
      // would otherwise replay nothing, silently); public routes (probes, scrapers) are left alone.
      const url = new URL(c.req.url);
      const query = route.query ? parseQuery(url, route.query) : undefined;
      if (!route.query && route.access !== 'public') parseQuery(url, NO_QUERY);
      const { chargeBody } = route;
      const charge = chargeBody && principal ? { onRead: (bytes: number) => chargeBody(principal, bytes) } : {};
      const body = route.body ? await readJsonBody(c.req.raw, { schema: route.body, maxBytes: options.maxBodyBytes, ...charge }) : undefined;
      return route.handle({ c, principal, params, query, body });
    });
  }
}

function describeAccess(route: Route): string {
  return typeof route.access === 'string' ? route.access : `role ${route.access.join(' or ')}`;
}
