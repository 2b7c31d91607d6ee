import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathMatcher } from '../../src/server/route.ts';
import { AppHarness, PROPOSALS, tokenOf, type Who } from './support/app-harness.ts';
import { storeDigest } from './support/store-digest.ts';

/** One generated request. */
interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const MAX_BODY = 16 * 1024;
const API_STATUSES = new Set([400, 401, 403, 404, 405, 409, 413, 415]);

describe('fuzz: malformed requests', () => {
  // The proposal rate is off here: invalid bodies are charged like valid ones (limits.test.ts), and
  // 10,000 of them from one agent would soon be answered 429 instead of judged.
  const h = new AppHarness({ maxBodyBytes: MAX_BODY, limits: { proposalsPerSecond: 0 } });
  const ids = {} as Record<'parkedTask' | 'parkedApproval' | 'votedApproval' | 'decidedApproval' | 'doneTask' | 'samApproval', string>;
  let before = '';

  beforeAll(async () => {
    const parked = await h.submit(PROPOSALS.human);
    const voted = await h.submit(PROPOSALS.critical);
    await h.call('POST', `/api/v1/approvals/${voted.approvalId}/approve`, { as: 'alice', body: {} });
    const decided = await h.submit(PROPOSALS.human);
    await h.call('POST', `/api/v1/approvals/${decided.approvalId}/reject`, { as: 'alice', body: { reason: 'no' } });
    const done = await h.submit(PROPOSALS.auto);
    const sams = await h.submit(PROPOSALS.human, 'sam');
    Object.assign(ids, {
      parkedTask: parked.id,
      parkedApproval: parked.approvalId,
      votedApproval: voted.approvalId,
      decidedApproval: decided.approvalId,
      doneTask: done.id,
      samApproval: sams.approvalId,
    });
    before = await storeDigest(h.store);
  });
  afterAll(async () => {
    await h.close();
  });

  const auth = (who: Who) => ({ authorization: `Bearer ${tokenOf(who)}` });
  const json = (who: Who) => ({ ...auth(who), 'content-type': 'application/json' });
  const routes = h.app.tollgateRoutes;
  const matchers = routes.map((route) => pathMatcher(route.path));
  const apiPath = (id: string) =>
    fc.constantFrom(
      `/api/v1/tasks`,
      `/api/v1/tasks/${id}`,
      `/api/v1/tasks/${id}/wait?timeoutMs=0`,
      `/api/v1/tasks/${id}/cancel`,
      `/api/v1/approvals`,
      `/api/v1/approvals/${id}`,
      `/api/v1/approvals/${id}/approve`,
      `/api/v1/approvals/${id}/reject`,
      `/api/v1/approvals/${id}/reroute`,
      `/api/v1/events`,
      `/api/v1/audit`,
      `/api/v1/audit/verify`,
      `/api/v1/machines/task`,
      `/api/v1/openapi.json`,
    );
  const anyJson = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value));
  const randomId = fc.string({ minLength: 1, maxLength: 40 }).map((s) => encodeURIComponent(`x${s}`));
  const notActionType = fc.string({ maxLength: 30 }).filter((s) => !/^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$/.test(s) || s.length > 128);

  // 401: no token, a malformed header, or an unknown token, on any /api/v1 route.
  const badAuth = fc.record({
    method: fc.constantFrom('GET', 'POST'),
    path: apiPath('x'),
    headers: fc.oneof(
      fc.constant({}),
      fc.string({ maxLength: 60 }).map((s) => ({ authorization: `Bearer ${s.replace(/[^\x21-\x7e]/g, 'a')}z`.padEnd(20, 'q') })),
      fc.string({ maxLength: 60 }).map((s) => ({ authorization: s.replace(/[^\x20-\x7e]/g, '') })),
      fc.constantFrom({ authorization: 'Basic dXNlcjpwYXNz' }, { authorization: `Bearer ${tokenOf('alice')}x` }, { authorization: `Bearer  ${tokenOf('alice').slice(1)}` }),
    ),
    body: fc.option(anyJson, { nil: undefined }),
  });
  // 403 forbidden: the role does not allow the route, whatever the body.
  const wrongRole = fc.oneof(
    fc.record({ method: fc.constant('POST'), path: fc.constant('/api/v1/tasks'), headers: fc.constantFrom<Who>('alice', 'carol', 'viewer').map(json), body: anyJson }),
    fc.record({
      method: fc.constant('POST'),
      path: fc.constantFrom('approve', 'reject', 'reroute').map((kind) => `/api/v1/approvals/${ids.parkedApproval}/${kind}`),
      headers: fc.constantFrom<Who>('agent', 'agent2', 'viewer').map(json),
      body: anyJson,
    }),
    fc.record({ method: fc.constant('POST'), path: fc.constant(`/api/v1/tasks/${ids.parkedTask}/cancel`), headers: fc.constantFrom<Who>('alice', 'viewer').map(json), body: anyJson }),
  );
  // 400 / 413 / 415: bodies that are not a proposal.
  const corruptProposal = fc.oneof(
    notActionType.map((actionType) => ({ ...PROPOSALS.human, actionType })),
    fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 604_801 }), fc.double({ min: 1.01, max: 1000, noInteger: true, noNaN: true }), fc.string()).map((ttlSeconds) => ({ ...PROPOSALS.human, ttlSeconds })),
    fc.oneof(fc.constant(''), fc.string({ minLength: 501, maxLength: 600 }), fc.integer()).map((title) => ({ ...PROPOSALS.auto, title })),
    fc.oneof(fc.array(fc.integer()), fc.string(), fc.integer(), fc.boolean()).map((args) => ({ ...PROPOSALS.auto, args })),
    fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !['actionType', 'title', 'description', 'args', 'department', 'idempotencyKey', 'ttlSeconds', 'metadata'].includes(k)).map((k) => ({ ...PROPOSALS.auto, [k]: 1 })),
    fc.constant({ ...PROPOSALS.auto, agentId: 'someone-else' }),
  );
  const badSubmission = fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/api/v1/tasks'),
    headers: fc.oneof(
      fc.constant(json('agent')),
      fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/jsonx', 'json').map((type) => ({ ...auth('agent'), 'content-type': type })),
    ),
    body: fc.oneof(
      { weight: 4, arbitrary: corruptProposal.map((value) => JSON.stringify(value)) },
      { weight: 2, arbitrary: anyJson },
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }) },
      { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((s) => `{"actionType":"code:read","title":${s}`) },
      { weight: 1, arbitrary: fc.integer({ min: MAX_BODY, max: MAX_BODY * 2 }).map((size) => `{"actionType":"code:read","title":"${'x'.repeat(size)}"}`) },
    ),
  });
  // 400: decision bodies that are not decisions, on a pending approval, by an approver who may decide.
  const badDecision = fc.oneof(
    fc.record({ comment: fc.oneof(fc.integer(), fc.string({ minLength: 2_001, maxLength: 2_100 }), fc.constant(null)) }).map((b) => ['approve', b] as const),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== 'comment'), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 3 }).map((b) => ['approve', b] as const),
    fc.oneof(fc.constant({}), fc.record({ reason: fc.constantFrom('', '   ', 7, null) })).map((b) => ['reject', b] as const),
    fc.oneof(fc.record({ reason: fc.constant('x') }), fc.record({ reason: fc.constant('x'), alternative: notActionType.map((actionType) => ({ actionType })) })).map((b) => ['reroute', b] as const),
    fc.oneof(fc.array(fc.integer()), fc.integer(), fc.string(), fc.boolean()).chain((b) => fc.constantFrom('approve', 'reject', 'reroute').map((kind) => [kind, b] as const)),
  );
  const badDecisionRequest = badDecision.map(([kind, body]) => ({
    method: 'POST',
    path: `/api/v1/approvals/${ids.parkedApproval}/${kind}`,
    headers: json('bob'),
    body: JSON.stringify(body),
  }));
  // 403 / 404 / 409 from the engine: well-formed decisions and cancels that may not happen.
  const validDecision = (kind: string) => JSON.stringify(kind === 'approve' ? {} : kind === 'reject' ? { reason: 'no' } : { reason: 'no', alternative: { actionType: 'code:read' } });
  const refusedAction = fc.oneof(
    fc.constantFrom('approve', 'reject', 'reroute').map((kind) => ({ method: 'POST', path: `/api/v1/approvals/${ids.decidedApproval}/${kind}`, headers: json('bob'), body: validDecision(kind) })),
    fc.constant({ method: 'POST', path: `/api/v1/approvals/${ids.votedApproval}/approve`, headers: json('alice'), body: '{}' }),
    fc.constantFrom('approve', 'reject', 'reroute').map((kind) => ({ method: 'POST', path: `/api/v1/approvals/${ids.votedApproval}/${kind}`, headers: json('carol'), body: validDecision(kind) })),
    fc.constantFrom('approve', 'reject', 'reroute').map((kind) => ({ method: 'POST', path: `/api/v1/approvals/${ids.samApproval}/${kind}`, headers: json('sam'), body: validDecision(kind) })),
    fc.tuple(randomId, fc.constantFrom('approve', 'reject', 'reroute')).map(([id, kind]) => ({ method: 'POST', path: `/api/v1/approvals/${id}/${kind}`, headers: json('bob'), body: validDecision(kind) })),
    fc.constant({ method: 'POST', path: `/api/v1/tasks/${ids.doneTask}/cancel`, headers: json('agent'), body: '{}' }),
    fc.constant({ method: 'POST', path: `/api/v1/tasks/${ids.parkedTask}/cancel`, headers: json('agent2'), body: '{}' }),
    randomId.map((id) => ({ method: 'POST', path: `/api/v1/tasks/${id}/cancel`, headers: json('admin'), body: '{}' })),
    fc.tuple(randomId, fc.constantFrom('/api/v1/tasks/', '/api/v1/approvals/')).map(([id, base]) => ({ method: 'GET', path: `${base}${id}`, headers: auth('viewer') })),
    randomId.map((id) => ({ method: 'GET', path: `/api/v1/tasks/${id}/wait?timeoutMs=0`, headers: auth('viewer') })),
    fc.constant({ method: 'GET', path: `/api/v1/tasks/${'x'.repeat(201)}`, headers: auth('viewer') }),
  );
  // 400: query strings and headers that do not parse.
  const notInt = fc.oneof(fc.integer({ max: -1 }).map(String), fc.constantFrom('x', '1.5', '1e3', ' 1', '0x10', '٣', '+1', '1_000'), fc.string({ minLength: 1, maxLength: 5 }).filter((s) => !/^\d+$/.test(s) && s.trim() !== ''));
  const badQuery = fc.oneof(
    fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !['proposed', 'evaluating', 'autoApproved', 'awaitingHuman', 'parked', 'resumed', 'reevaluating', 'executing', 'completed', 'failed', 'denied', 'rerouted', 'expired', 'cancelled', 'quarantined'].includes(s)).map((s) => `state=${encodeURIComponent(s)}`),
      fc.oneof(notInt, fc.integer({ min: 201, max: 99_999 }).map(String), fc.constant('0')).map((v) => `limit=${encodeURIComponent(v)}`),
      fc.constant('limit=1&limit=2'),
    ).map((q) => `/api/v1/tasks?${q}`),
    fc.oneof(
      fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !['pending', 'approved', 'rejected', 'expired', 'cancelled'].includes(s)).map((s) => `status=${encodeURIComponent(s)}`),
      fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !['low', 'medium', 'high', 'critical'].includes(s)).map((s) => `riskLevel=${encodeURIComponent(s)}`),
      notActionType.filter((s) => s.trim() !== '').map((s) => `actionType=${encodeURIComponent(s)}`),
      notInt.map((v) => `offset=${encodeURIComponent(v)}`),
      fc.oneof(notInt, fc.constant('201')).map((v) => `limit=${encodeURIComponent(v)}`),
    ).map((q) => `/api/v1/approvals?${q}`),
    fc.oneof(notInt, fc.integer({ min: 60_001 }).map(String)).map((v) => `/api/v1/tasks/${ids.parkedTask}/wait?timeoutMs=${encodeURIComponent(v)}`),
    fc.oneof(notInt, fc.constant('0'), fc.constant('10001')).map((v) => `/api/v1/audit?limit=${encodeURIComponent(v)}`),
  ).map((path) => ({ method: 'GET', path, headers: auth('viewer') }));
  const badLastEventId = fc.oneof(notInt.filter((v) => /^[\x20-\x7e]+$/.test(v) && !/^\d{1,15}$/.test(v.trim())), fc.constant('1'.repeat(16))).map((id) => ({ method: 'GET', path: '/api/v1/events', headers: { ...auth('viewer'), 'last-event-id': id } }));
  // 404 / 405: paths that are no route, and methods a route does not take.
  const segment = fc.oneof(fc.constantFrom('api', 'v1', 'v2', 'tasks', 'approvals', 'x', '..', '%E0%A4%A', 'events', 'audit', 'verify', ''), randomId);
  const unknownRoute = fc
    .record({ method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), segments: fc.array(segment, { minLength: 1, maxLength: 6 }) })
    .map(({ method, segments }) => ({ method, path: `/${segments.join('/')}`, headers: json('admin'), body: method === 'GET' ? undefined : '{}' }))
    .filter(({ path }) => !matchers.some((matches) => matches(new URL(`http://localhost${path}`).pathname)));
  const wrongMethod = fc
    .record({ route: fc.constantFrom(...routes), method: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'GET', 'POST') })
    .filter(({ route, method }) => !routes.some((r) => r.method === method && r.path === route.path))
    .map(({ route, method }) => ({ method, path: route.path.replace(/\{[a-z]+\}/gi, 'abc'), headers: json('admin') }));

  const malformed: fc.Arbitrary<FuzzRequest> = fc.oneof(
    { weight: 2, arbitrary: badAuth },
    { weight: 1, arbitrary: wrongRole },
    { weight: 3, arbitrary: badSubmission },
    { weight: 2, arbitrary: badDecisionRequest },
    { weight: 2, arbitrary: refusedAction },
    { weight: 2, arbitrary: badQuery },
    { weight: 1, arbitrary: badLastEventId },
    { weight: 1, arbitrary: unknownRoute },
    { weight: 1, arbitrary: wrongMethod },
  );

  it(`answers ${RUNS} malformed requests with 4xx problem+json and changes nothing`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(malformed, async (request) => {
        const pending = h.app.request(request.path, {
          method: request.method,
          headers: request.headers,
          ...(request.body !== undefined && request.method !== 'GET' ? { body: request.body } : {}),
        });
        let timer: NodeJS.Timeout | undefined;
        const response = await Promise.race([
          pending,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer in 2 s: ${request.method} ${request.path}`)), 2_000);
          }),
        ]);
        clearTimeout(timer);
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(API_STATUSES.has(response.status), `${request.method} ${request.path} → ${response.status} ${text.slice(0, 200)}`).toBe(true);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        // A detail may echo what was sent (`<script>` in a path): never sniffed into HTML.
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        const problem = JSON.parse(text);
        expect(problem).toMatchObject({ type: expect.stringMatching(/^urn:tollgate:problem:/), title: expect.any(String), status: response.status, detail: expect.any(String), code: expect.any(String) });
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20_260_301) },
    );
    if (process.env.FUZZ_VERBOSE) console.log(Object.fromEntries(statuses));
    expect(h.engine.inFlight).toBe(0);
    expect(await storeDigest(h.store)).toBe(before);
    // Every family of refusal was exercised.
    for (const status of API_STATUSES) expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(20);
  });
});
