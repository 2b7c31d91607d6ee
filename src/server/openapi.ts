import { z } from 'zod';
import { ApprovalView } from '../model/approval.ts';
import { JsonObject, JsonValue } from '../model/json.ts';
import { AuditEntry, LifecycleEvent } from '../model/lifecycle-event.ts';
import { Task } from '../model/task.ts';
import { Problem, type ProblemCode, problemStatus } from './problem.ts';
import type { Route } from './route.ts';
import {
  ApprovalPage,
  ApproveBody,
  AuditPage,
  AuditVerificationAnswer,
  CancelBody,
  DecisionAnswer,
  HealthAnswer,
  MachineDefinition,
  ReadinessAnswer,
  RejectBody,
  RerouteBody,
  TaskAnswer,
  TaskPage,
  TaskSubmission,
} from './schemas.ts';

type JsonSchema = Record<string, unknown>;

/** Every 429, and every 503 `store_unavailable`, says when to come back. */
const RETRY_AFTER_HEADER = {
  'Retry-After': {
    description: 'whole seconds to wait before asking again',
    schema: { type: 'integer', minimum: 1 },
  },
};

/** Model schemas shown once under `components.schemas` and referenced by name. */
const NAMED: Record<string, z.ZodType> = {
  Task,
  // What the API answers (every field of API.md present), not the stored approval.
  Approval: ApprovalView,
  LifecycleEvent,
  AuditEntry,
  Problem,
  TaskAnswer,
  TaskPage,
  ApprovalPage,
  DecisionAnswer,
  AuditPage,
  AuditVerification: AuditVerificationAnswer,
  Health: HealthAnswer,
  Readiness: ReadinessAnswer,
  MachineDefinition,
  TaskSubmission,
  ApproveBody,
  RejectBody,
  RerouteBody,
  CancelBody,
};

/**
 * The OpenAPI 3.1 document of a set of routes, generated from the zod schemas the routes
 * parse and answer with (`z.toJSONSchema`), never written by hand: a route, a field or a
 * limit added in code appears here. Error answers are derived from each route's access,
 * inputs and declared codes.
 * @example const doc = buildOpenApi(allRoutes, { version: '0.1.0' });
 */
export function buildOpenApi(routes: readonly Route[], info: { version: string }): JsonSchema {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(NAMED)) registry.add(schema, { id });
  // Schemas without a name of their own are named after the first operation using them.
  for (const route of routes) {
    const base = capitalise(operationId(route));
    if (route.body && !registry.has(route.body)) registry.add(route.body, { id: `${base}Body` });
    for (const [status, doc] of Object.entries(route.responses)) {
      if (doc.schema && !registry.has(doc.schema)) registry.add(doc.schema, { id: `${base}${status}` });
    }
  }
  const generated = z.toJSONSchema(registry, { unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}`, override });
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(generated.schemas)) {
    const { $schema: _s, $id: _i, ...rest } = schema as JsonSchema;
    schemas[id] = rest;
  }
  const ref = (schema: z.ZodType): JsonSchema => ({ $ref: `#/components/schemas/${registry.get(schema)?.id}` });

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, doc] of Object.entries(route.responses)) {
      const contentType = doc.contentType ?? 'application/json';
      responses[status] = {
        description: doc.description,
        content: { [contentType]: { schema: doc.schema ? ref(doc.schema) : { type: 'string' } } },
      };
    }
    for (const [status, codes] of errorAnswers(route)) {
      responses[String(status)] = {
        description: codes.join(', '),
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER_HEADER } : {}),
        content: { 'application/problem+json': { schema: ref(Problem) } },
      };
    }
    const operation: Record<string, unknown> = {
      operationId: operationId(route),
      summary: route.summary,
      security: route.access === 'public' ? [] : [{ bearer: [] }],
      'x-roles': typeof route.access === 'string' ? route.access : [...route.access],
      parameters: [...pathParameters(route.path), ...queryParameters(route.query)],
      responses,
    };
    if (route.body) {
      operation.requestBody = { required: !route.body.safeParse({}).success, content: { 'application/json': { schema: ref(route.body) } } };
    }
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tollgate HTTP API',
      version: info.version,
      description:
        'Approval gate for AI agent actions. Errors are application/problem+json with type, title, status, detail and code. ' +
        'Limits per principal (429 too_many_requests, with Retry-After): open event streams (/api/v1/events and /api/v1/inspect together; ' +
        'default 16), proposals (POST /api/v1/tasks: a token bucket, default 200 tokens a second and a burst of 1000, a proposal costing ' +
        'one token per started 4 KiB of body); per server: one audit verification at a time, with a rest as long as it took after each. ' +
        'When the store (database) is unavailable, the routes that use it answer 503 store_unavailable with Retry-After: an outage, not a bug. ' +
        '/healthz is liveness (the process answers); /readyz is readiness (the store answers a read within a second).',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas },
    paths,
  };
}

/**
 * The error codes a route may answer, grouped by status.
 * @example errorAnswers(route).get(409) // ['not_pending', 'already_voted', 'invalid_transition']
 */
export function errorAnswers(route: Route): Map<number, ProblemCode[]> {
  const codes: ProblemCode[] = [];
  if (route.access !== 'public') codes.push('unauthorized');
  if (Array.isArray(route.access)) codes.push('forbidden');
  // Every /api/v1 route refuses a query parameter it does not take (and /events a bad Last-Event-ID).
  if (route.access !== 'public' || route.query || route.body || route.path.includes('{')) codes.push('validation_failed');
  if (route.body) codes.push('payload_too_large', 'unsupported_media_type');
  codes.push(...(route.errors ?? []));
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of new Set(codes)) {
    const status = problemStatus(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

function pathParameters(path: string): JsonSchema[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string', minLength: 1, maxLength: 200 },
  }));
}

function queryParameters(query: z.ZodObject | undefined): JsonSchema[] {
  if (!query) return [];
  return Object.entries(query.shape).map(([name, schema]) => {
    const field = schema as z.ZodType;
    const json = z.toJSONSchema(field, { io: 'input', unrepresentable: 'any', override }) as JsonSchema;
    const { $schema: _s, ...rest } = json;
    const parameter: JsonSchema = { name, in: 'query', required: !field.safeParse(undefined).success, schema: rest };
    if (field.description) parameter.description = field.description;
    return parameter;
  });
}

/** Custom JSON schemas (`JsonObject`, `JsonValue`) are hand-written validators; say what they accept. */
function override(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  if (ctx.zodSchema === JsonObject) Object.assign(ctx.jsonSchema, { type: 'object', description: 'a JSON object' });
  if (ctx.zodSchema === JsonValue) Object.assign(ctx.jsonSchema, { description: 'any JSON value' });
}

function operationId(route: Route): string {
  const words = route.path
    .replace(/^\/api\/v1/, '')
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith('{') ? 'ById' : capitalise(part.replace(/[^A-Za-z0-9]/g, ''))));
  return `${route.method.toLowerCase()}${words.join('') || 'Root'}`;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
