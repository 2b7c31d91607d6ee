import type { Context } from 'hono';
import type { z } from 'zod';
import type { Engine } from '../engine/engine-types.ts';
import type { Logger } from '../engine/logger.ts';
import type { Principal } from '../model/principal.ts';
import type { Access } from './auth.ts';
import type { GateMetrics } from './metrics.ts';
import type { ProblemCode } from './problem.ts';
import type { RequestLimits } from './request-limits.ts';

/** What every request carries through the app (Hono context variables). */
export interface AppEnv {
  Variables: {
    requestId: string;
    principal: Principal | null;
    /** Why the store was unavailable, when the answer was 503 `store_unavailable` (for the request's log line). */
    storeUnavailable: string | null;
  };
}

/** One documented answer of a route. */
export interface ResponseDoc {
  description: string;
  /** The JSON body's schema; absent for non-JSON answers. */
  schema?: z.ZodType;
  /** Default `application/json`. */
  contentType?: string;
}

/** What a handler receives, already authenticated and parsed. */
export interface RouteInput<Q, B> {
  c: Context<AppEnv>;
  /** `null` only on public routes. */
  principal: Principal | null;
  params: Record<string, string>;
  query: Q;
  body: B;
}

type Parsed<S> = S extends z.ZodType ? z.infer<S> : undefined;

/**
 * One HTTP route, described as data: the app mounts it (auth, role check, parsing) and the
 * OpenAPI document is generated from it. `path` uses OpenAPI's `{param}` form.
 */
export interface RouteDefinition<Q extends z.ZodObject | undefined, B extends z.ZodType | undefined> {
  method: 'GET' | 'POST';
  path: string;
  summary: string;
  access: Access;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseDoc>;
  /** Error codes this route answers beyond auth and parsing (documented in OpenAPI). */
  errors?: readonly ProblemCode[];
  /**
   * Runs after the token and role checks and before anything else is read (path, query, body):
   * a cheap refusal, such as a principal out of its rate (throw a GateError).
   */
  admit?(principal: Principal): void;
  /**
   * Runs once the body is read, before it is decoded and validated: a charge by its size
   * (throw a GateError to refuse). An invalid body is charged like a valid one.
   */
  chargeBody?(principal: Principal, bodyBytes: number): void;
  handle(input: RouteInput<Parsed<Q>, Parsed<B>>): Response | Promise<Response>;
}

/** A route with its types erased, as the app keeps them. */
export type Route = RouteDefinition<z.ZodObject | undefined, z.ZodType | undefined>;

/**
 * Declares a route; its handler gets typed `query` and `body`.
 * @example
 * defineRoute({ method: 'GET', path: '/api/v1/tasks/{id}', summary: 'a task', access: 'any',
 *   responses: { 200: { description: 'the task', schema: Task } },
 *   handle: async ({ c, params }) => c.json(await engine.get(params.id!)) });
 */
export function defineRoute<Q extends z.ZodObject | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  definition: RouteDefinition<Q, B>,
): Route {
  return definition as unknown as Route;
}

/**
 * An OpenAPI path in Hono's form.
 * @example honoPath('/api/v1/tasks/{id}') // '/api/v1/tasks/:id'
 */
export function honoPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

/**
 * A matcher for a route path: whether a request path is this route (whatever the method).
 * @example pathMatcher('/api/v1/tasks/{id}')('/api/v1/tasks/t-1') // true
 */
export function pathMatcher(path: string): (requestPath: string) => boolean {
  const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[A-Za-z0-9_]+\\?\}/g, '[^/]+')}$`);
  return (requestPath) => pattern.test(requestPath);
}

/** What route files build their routes from. */
export interface RouteDeps {
  engine: Engine;
  metrics: GateMetrics;
  logger: Logger;
  /** Aborted when the server shuts down: long-polls answer and event streams end. */
  signal: AbortSignal;
  /** How often an idle event stream sends a comment line. */
  heartbeatMs: number;
  /** What one token can make the server do: streams per principal, proposal rate, verify pacing. */
  limits: RequestLimits;
  /** The department an agent's token names (its tasks are filed under it), if any. */
  departmentOfAgent?: (agentId: string) => string | undefined;
}
