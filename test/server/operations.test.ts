import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { taskMachine } from '../../machines/task.machine.ts';
import { TASK_MACHINE_VERSION } from '../../machines/version.ts';
import { AppHarness, PROPOSALS, problemCode } from './support/app-harness.ts';

describe('operations, audit, machines, OpenAPI and unknown routes', () => {
  let h: AppHarness;
  beforeEach(() => {
    h = new AppHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('/healthz and /metrics need no token; / is the visualizer', async () => {
    const health = await h.call('GET', '/healthz', { as: null });
    expect([health.status, health.body]).toEqual([200, { status: 'ok' }]);
    const root = await h.call('GET', '/', { as: null });
    expect(root.headers.get('content-type')).toMatch(/text\/html/);
    expect(root.text).toContain('/api/v1/openapi.json');
    expect(root.text).toContain('/visualizer/app.js');
  });

  it('/metrics counts tasks by state, decisions by kind, gate latency and requests by route', async () => {
    await h.submit(PROPOSALS.auto);
    const parked = await h.submit(PROPOSALS.human);
    await h.submit(PROPOSALS.human);
    await h.call('POST', `/api/v1/approvals/${parked.approvalId}/reject`, { as: 'alice', body: { reason: 'no' } });
    await h.call('GET', '/api/v1/tasks/nope');
    const metrics = await h.call('GET', '/metrics', { as: null });
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/^tollgate_tasks\{state="parked"\} 1$/m);
    expect(metrics.text).toMatch(/^tollgate_tasks\{state="completed"\} 1$/m);
    expect(metrics.text).toMatch(/^tollgate_tasks\{state="denied"\} 1$/m);
    expect(metrics.text).toMatch(/^tollgate_decisions_total\{kind="reject"\} 1$/m);
    expect(metrics.text).toMatch(/^tollgate_gate_latency_seconds_count\{outcome="parked"\} 2$/m);
    expect(metrics.text).toMatch(/^tollgate_gate_latency_seconds_count\{outcome="cleared"\} 1$/m);
    expect(metrics.text).toMatch(/tollgate_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/tasks\/:id",status="404"\} 1/);
  });

  it('seeds the task gauge from the store for tasks made before the app', async () => {
    const other = new AppHarness();
    await other.submit(PROPOSALS.human);
    await other.submit(PROPOSALS.human);
    const { createApp } = await import('../../src/server/app.ts');
    const app = createApp({ engine: other.engine, tokens: [] });
    const text = await (await app.request('/metrics')).text();
    expect(text).toMatch(/^tollgate_tasks\{state="parked"\} 2$/m);
    await other.close();
  });

  it('audit: entries oldest first, per task, paged; verify answers ok', async () => {
    const task = await h.submit(PROPOSALS.human);
    await h.call('POST', `/api/v1/approvals/${task.approvalId}/approve`, { as: 'alice', body: {} });
    await h.submit(PROPOSALS.auto);
    const all = await h.call('GET', '/api/v1/audit', { as: 'viewer' });
    expect(all.status).toBe(200);
    const seqs = all.body.items.map((entry: { seq: number }) => entry.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(all.body.nextAfterSeq).toBeNull();
    const mine = await h.call('GET', `/api/v1/audit?taskId=${task.id}`);
    expect(mine.body.items.every((entry: { taskId: string }) => entry.taskId === task.id)).toBe(true);
    const decisions = mine.body.items.filter((entry: { action: string }) => entry.action === 'approval.approved');
    expect(decisions).toEqual([expect.objectContaining({ actor: 'alice', approvalId: task.approvalId, prevHash: expect.any(String), hash: expect.any(String) })]);
    const page = await h.call('GET', '/api/v1/audit?limit=3');
    expect(page.body.items).toHaveLength(3);
    const next = await h.call('GET', `/api/v1/audit?limit=3&afterSeq=${page.body.nextAfterSeq}`);
    expect(next.body.items[0].seq).toBe(4);
    expect((await h.call('GET', '/api/v1/audit?limit=0')).status).toBe(400);
    const verify = await h.call('GET', '/api/v1/audit/verify');
    const last = all.body.items.at(-1);
    expect(verify.body).toEqual({ ok: true, entries: seqs.length, head: { seq: last.seq, hash: last.hash } });
    // Checked against entries recorded elsewhere: each must still be in the chain as recorded.
    const first = all.body.items[0];
    const anchored = await h.call('GET', `/api/v1/audit/verify?anchor=${first.seq}:${first.hash},${last.seq}:${last.hash}`);
    expect(anchored.body).toEqual({ ok: true, entries: seqs.length, head: { seq: last.seq, hash: last.hash }, anchors: 2 });
    const other = await h.call('GET', `/api/v1/audit/verify?anchor=${first.seq}:${'0'.repeat(64)}`);
    expect(other.body).toMatchObject({ ok: false, brokenAt: first.seq, reason: expect.stringMatching(/rebuilt/) });
    const bad = await h.call('GET', '/api/v1/audit/verify?anchor=1:nothex');
    expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
    expect(bad.body.detail).toMatch(/write seq:hash/);
  });

  it('/machines/task is the running machine: every state, its transitions and version', async () => {
    const answer = await h.call('GET', '/api/v1/machines/task', { as: 'viewer' });
    expect(answer.body).toMatchObject({ id: 'task', version: TASK_MACHINE_VERSION, initial: 'proposed' });
    expect(answer.body.states.map((s: { name: string }) => s.name)).toEqual(Object.keys(taskMachine.root.states));
    const parked = answer.body.states.find((s: { name: string }) => s.name === 'parked');
    expect(parked.transitions).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'REJECT', target: 'denied', guard: 'approvalPending' })]));
    expect(answer.body.states.find((s: { name: string }) => s.name === 'completed').type).toBe('final');
  });

  it('OpenAPI is generated from the routes and schemas: every route, its errors, its body', async () => {
    const answer = await h.call('GET', '/api/v1/openapi.json', { as: 'viewer' });
    expect(answer.body.openapi).toBe('3.1.0');
    const operations = Object.entries(answer.body.paths).flatMap(([path, methods]) => Object.keys(methods as object).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(h.app.tollgateRoutes.map((r) => `${r.method} ${r.path}`).sort());
    const submit = answer.body.paths['/api/v1/tasks'].post;
    expect(Object.keys(submit.responses).sort()).toEqual(['200', '201', '400', '401', '403', '413', '415', '429', '503']);
    // The limits: 429 with Retry-After on the routes that have one, and only there.
    expect(submit.responses['429']).toMatchObject({ description: 'too_many_requests', headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 } } } });
    for (const path of ['/api/v1/events', '/api/v1/inspect', '/api/v1/audit/verify']) expect(answer.body.paths[path].get.responses['429'], path).toBeDefined();
    expect(answer.body.paths['/api/v1/tasks'].get.responses['429']).toBeUndefined();
    expect(submit.requestBody.required).toBe(true);
    expect(answer.body.paths['/api/v1/tasks/{id}/cancel'].post.requestBody.required).toBe(false);
    const body = answer.body.components.schemas.TaskSubmission;
    // Optional fields may be sent as null (absent).
    expect(body.properties.ttlSeconds.anyOf).toContainEqual(expect.objectContaining({ type: 'integer', minimum: 1, maximum: 604_800 }));
    expect(body.properties.ttlSeconds.anyOf).toContainEqual({ type: 'null' });
    expect(body.properties.actionType.pattern).toBe('^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$');
    expect(body.properties.agentId).toBeUndefined();
    expect(answer.body.components.schemas.Problem.required).toEqual(['type', 'title', 'status', 'detail', 'code']);
    expect(answer.body.paths['/api/v1/approvals/{id}/approve'].post.responses['409'].description).toBe('not_pending, already_voted, invalid_transition');
    const listApprovals = answer.body.paths['/api/v1/approvals'].get;
    expect(listApprovals.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(expect.arrayContaining(['order', 'offset', 'cursor']));
    expect(JSON.stringify(listApprovals.responses['200'])).toContain('#/components/schemas/ApprovalPage');
    expect(answer.body.components.schemas.ApprovalPage.properties.nextCursor).toBeDefined();
    expect(answer.body.paths['/healthz'].get.security).toEqual([]);
    expect((await h.call('GET', '/api/v1/openapi.json', { as: null })).status).toBe(401);
  });

  it('unknown routes are 404 and wrong methods 405, both problem+json with all five fields', async () => {
    const cases: [string, string, number, string][] = [
      ['GET', '/nope', 404, 'not_found'],
      ['GET', '/api/v1/nope', 404, 'not_found'],
      ['GET', '/api/v2/tasks', 404, 'not_found'],
      ['POST', '/api/v1/tasks/a/b/c', 404, 'not_found'],
      ['DELETE', '/api/v1/tasks', 405, 'method_not_allowed'],
      ['PUT', '/api/v1/tasks/abc', 405, 'method_not_allowed'],
      ['GET', '/api/v1/approvals/abc/approve', 405, 'method_not_allowed'],
      ['PATCH', '/healthz', 405, 'method_not_allowed'],
      ['OPTIONS', '/api/v1/events', 405, 'method_not_allowed'],
    ];
    for (const [method, path, status, code] of cases) {
      const answer = await h.call(method, path);
      expect([method, path, answer.status, problemCode(answer)]).toEqual([method, path, status, code]);
      expect(answer.body.type).toBe(`urn:tollgate:problem:${code}`);
    }
    const wrong = await h.call('DELETE', '/api/v1/tasks');
    expect(wrong.headers.get('allow')).toBe('POST, GET, HEAD');
    expect((await h.call('HEAD', '/healthz', { as: null })).status).toBe(200);
  });

  it('asks for a token before saying which /api/v1 routes exist (401 for unknown routes and wrong methods without one)', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nope'],
      ['GET', '/api/v1'],
      ['DELETE', '/api/v1/tasks'],
    ] as const) {
      const anonymous = await h.call(method, path, { as: null });
      expect([method, path, anonymous.status, problemCode(anonymous)]).toEqual([method, path, 401, 'unauthorized']);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="tollgate"');
      const forged = await h.call(method, path, { as: null, headers: { authorization: 'Bearer not-a-token' } });
      expect(forged.status).toBe(401);
    }
    // Outside the API nothing needs a token.
    expect((await h.call('GET', '/nope', { as: null })).status).toBe(404);
  });

  it('answers x-request-id (the client one when sane)', async () => {
    const given = await h.call('GET', '/healthz', { as: null, headers: { 'x-request-id': 'req-42' } });
    expect(given.headers.get('x-request-id')).toBe('req-42');
    const made = await h.call('GET', '/nope', { as: null, headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.body.requestId).toBe(made.headers.get('x-request-id'));
  });
});
