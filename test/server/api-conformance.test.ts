import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppHarness, PROPOSALS, problemCode } from './support/app-harness.ts';

/** Word-by-word checks of API.md's shapes that a client library relies on (found by an API conformance trial). */
describe('API.md conformance', () => {
  let h: AppHarness;
  beforeEach(() => {
    h = new AppHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('an approval vote is { by, at, comment }: comment null when the approver gave none, in every answer', async () => {
    const task = await h.submit(PROPOSALS.critical);
    const path = `/api/v1/approvals/${task.approvalId}`;
    const vote = await h.call('POST', `${path}/approve`, { as: 'alice', body: {} });
    expect(vote.body.approval.approvals).toEqual([{ by: 'alice', at: expect.any(String), comment: null }]);
    await h.call('POST', `${path}/approve`, { as: 'bob', body: { comment: 'ok' } });
    const votes = [{ by: 'alice', at: expect.any(String), comment: null }, { by: 'bob', at: expect.any(String), comment: 'ok' }];
    expect((await h.call('GET', path, { as: 'viewer' })).body.approvals).toEqual(votes);
    expect((await h.call('GET', '/api/v1/approvals', { as: 'viewer' })).body.items[0].approvals).toEqual(votes);
  });

  it("a rerouted task's alternative is { actionType, args, title, reason }, each present: what its alternative task was submitted with", async () => {
    const task = await h.submit(PROPOSALS.human);
    const answer = await h.call('POST', `/api/v1/approvals/${task.approvalId}/reroute`, {
      as: 'carol',
      body: { reason: 'branch first', alternative: { actionType: 'vcs:branch' } },
    });
    expect(answer.status).toBe(200);
    const alternative = { actionType: 'vcs:branch', args: {}, title: `${PROPOSALS.human.title} (alternative)`, reason: 'branch first' };
    expect(answer.body.task.alternative).toEqual(alternative);
    expect(answer.body.alternativeTask).toMatchObject({ actionType: 'vcs:branch', args: {}, title: alternative.title });
    expect((await h.call('GET', `/api/v1/tasks/${task.id}`, { as: 'viewer' })).body.alternative).toEqual(alternative);
  });

  it('a route that takes no query refuses a parameter (400 naming it), cache-busters aside; public routes are left alone', async () => {
    const task = await h.submit(PROPOSALS.human);
    for (const path of [`/api/v1/tasks/${task.id}?history=false`, `/api/v1/approvals/${task.approvalId}?x=1`, '/api/v1/events?lastEventId=3', '/api/v1/machines/task?v=2']) {
      const answer = await h.call('GET', path, { as: 'viewer' });
      expect([path, answer.status, problemCode(answer)]).toEqual([path, 400, 'validation_failed']);
    }
    const cancel = await h.call('POST', `/api/v1/tasks/${task.id}/cancel?force=1`, { body: {} });
    expect([cancel.status, problemCode(cancel)]).toEqual([400, 'validation_failed']);
    expect((await h.call('GET', `/api/v1/tasks/${task.id}`, { as: 'viewer' })).body.state).toBe('parked');
    expect((await h.call('GET', `/api/v1/tasks/${task.id}?_=1733150000`, { as: 'viewer' })).status).toBe(200);
    expect((await h.call('GET', '/healthz?probe=1', { as: null })).status).toBe(200);
  });
});

describe('API.md conformance: the OpenAPI document says what the server answers', () => {
  let h: AppHarness;
  beforeEach(() => {
    h = new AppHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('names the approval as answered (description and a vote comment nullable, both required), and every /api/v1 route may answer 400', async () => {
    const doc = (await h.call('GET', '/api/v1/openapi.json', { as: 'viewer' })).body;
    const approval = doc.components.schemas.Approval;
    expect(approval.properties.description.type).toEqual(['string', 'null']);
    expect(approval.required).toContain('description');
    const vote = approval.properties.approvals.items;
    expect([vote.properties.comment.type, vote.required]).toEqual([['string', 'null'], ['by', 'at', 'comment']]);
    expect(doc.paths['/api/v1/approvals/{id}'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Approval' });
    const bad = await h.call('GET', '/api/v1/events', { as: 'viewer', headers: { 'last-event-id': 'x' } });
    expect(bad.status).toBe(400);
    for (const path of ['/api/v1/events', '/api/v1/machines/task']) expect(Object.keys(doc.paths[path].get.responses)).toContain('400');
  });
});
