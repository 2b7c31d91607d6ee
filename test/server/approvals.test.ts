import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppHarness, PROPOSALS, problemCode } from './support/app-harness.ts';

describe('approvals API', () => {
  let h: AppHarness;
  beforeEach(() => {
    h = new AppHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('refuses a query parameter the route does not take (400 naming it), but leaves cache-busters (_=…) alone', async () => {
    const typo = await h.call('GET', '/api/v1/approvals?risk=high');
    expect(typo.status).toBe(400);
    expect(problemCode(typo)).toBe('validation_failed');
    expect(typo.body.detail).toContain('"risk"');
    expect((await h.call('GET', '/api/v1/tasks?stat=parked')).status).toBe(400);
    expect((await h.call('GET', '/api/v1/approvals?riskLevel=high&_=1733150000')).status).toBe(200);
  });

  it('approve: 200 { approval, task }, decidedBy from the token, the task executes', async () => {
    const task = await h.submit(PROPOSALS.human);
    const answer = await h.call('POST', `/api/v1/approvals/${task.approvalId}/approve`, { as: 'carol', body: { comment: 'ship it' } });
    expect(answer.status).toBe(200);
    expect(answer.body.approval).toMatchObject({ status: 'approved', decidedBy: 'carol', approvals: [{ by: 'carol', comment: 'ship it' }] });
    expect(answer.body.task).toMatchObject({ id: task.id, state: 'completed', result: { cleared: true } });
    const empty = await h.submit(PROPOSALS.human);
    expect((await h.call('POST', `/api/v1/approvals/${empty.approvalId}/approve`, { as: 'admin' })).body.approval.decidedBy).toBe('admin');
  });

  it('a vote sent again after it decided the approval is 409 not_pending, and the approval shows it counted (README, store outages)', async () => {
    // A trial retried a vote whose connection was cut (its worker killed) at another worker and
    // got not_pending, where the README promised already_voted: the README now says both.
    const task = await h.submit(PROPOSALS.human);
    const path = `/api/v1/approvals/${task.approvalId}/approve`;
    expect((await h.call('POST', path, { as: 'carol', body: {} })).status).toBe(200);
    const retry = await h.call('POST', path, { as: 'carol', body: {} });
    expect([retry.status, problemCode(retry)]).toEqual([409, 'not_pending']);
    expect((await h.call('GET', `/api/v1/approvals/${task.approvalId}`)).body.approvals).toEqual([expect.objectContaining({ by: 'carol' })]);
  });

  it('a body cannot choose who decided (decidedBy is not a field: 400)', async () => {
    const task = await h.submit(PROPOSALS.human);
    const answer = await h.call('POST', `/api/v1/approvals/${task.approvalId}/approve`, { as: 'carol', body: { decidedBy: 'alice' } });
    expect([answer.status, problemCode(answer)]).toEqual([400, 'validation_failed']);
    expect((await h.call('GET', `/api/v1/approvals/${task.approvalId}`)).body.status).toBe('pending');
  });

  it('critical actions need a quorum of distinct approvers; a second vote by the same one is 409 already_voted', async () => {
    const task = await h.submit(PROPOSALS.critical);
    const path = `/api/v1/approvals/${task.approvalId}/approve`;
    const first = await h.call('POST', path, { as: 'alice', body: {} });
    expect(first.body.approval).toMatchObject({ status: 'pending', requiredApprovals: 2, approvals: [{ by: 'alice' }] });
    expect(first.body.task.state).toBe('parked');
    const twice = await h.call('POST', path, { as: 'alice', body: {} });
    expect([twice.status, problemCode(twice)]).toEqual([409, 'already_voted']);
    const second = await h.call('POST', path, { as: 'bob', body: { comment: 'second pair of eyes' } });
    expect(second.body.approval).toMatchObject({ status: 'approved', approvals: [{ by: 'alice' }, { by: 'bob' }] });
    expect(second.body.task.state).toBe('completed');
    // The deciding vote is in the hash-chained audit with its comment, like the first one.
    const audit = await h.call('GET', `/api/v1/audit?taskId=${task.id}`, { as: 'viewer' });
    const votes = audit.body.items.filter((entry: { action: string }) => entry.action === 'approval.vote' || entry.action === 'approval.approved');
    expect(votes.map((entry: { action: string; actor: string; data: unknown }) => [entry.action, entry.actor, entry.data])).toEqual([
      ['approval.vote', 'alice', { votes: 1, requiredApprovals: 2 }],
      ['approval.approved', 'bob', { votes: 2, requiredApprovals: 2, comment: 'second pair of eyes' }],
    ]);
    const late = await h.call('POST', path, { as: 'admin', body: {} });
    expect([late.status, problemCode(late)]).toEqual([409, 'not_pending']);
  });

  it('403 self_approval, 403 risk_exceeds_role, 403 forbidden for agents and observers', async () => {
    const own = await h.submit(PROPOSALS.human, 'sam');
    const self = await h.call('POST', `/api/v1/approvals/${own.approvalId}/approve`, { as: 'sam', body: {} });
    expect([self.status, problemCode(self)]).toEqual([403, 'self_approval']);
    const critical = await h.submit(PROPOSALS.critical);
    for (const kind of ['approve', 'reject', 'reroute']) {
      const body = kind === 'approve' ? {} : kind === 'reject' ? { reason: 'no' } : { reason: 'no', alternative: { actionType: 'deploy:staging' } };
      const answer = await h.call('POST', `/api/v1/approvals/${critical.approvalId}/${kind}`, { as: 'carol', body });
      expect([kind, answer.status, problemCode(answer)]).toEqual([kind, 403, 'risk_exceeds_role']);
    }
    for (const as of ['agent', 'viewer'] as const) {
      const answer = await h.call('POST', `/api/v1/approvals/${critical.approvalId}/approve`, { as, body: {} });
      expect([answer.status, problemCode(answer)]).toEqual([403, 'forbidden']);
    }
    expect((await h.call('GET', `/api/v1/approvals/${critical.approvalId}`)).body).toMatchObject({ status: 'pending', approvals: [] });
  });

  it('reject: reason required (400), then approval rejected and task denied; a second decision is 409 not_pending', async () => {
    const task = await h.submit(PROPOSALS.human);
    const path = `/api/v1/approvals/${task.approvalId}/reject`;
    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 7 }]) {
      const answer = await h.call('POST', path, { as: 'alice', body });
      expect([answer.status, problemCode(answer)]).toEqual([400, 'validation_failed']);
    }
    const empty = await h.call('POST', path, { as: 'alice' });
    expect(empty.status).toBe(400);
    const answer = await h.call('POST', path, { as: 'alice', body: { reason: 'not during the freeze' } });
    expect(answer.status).toBe(200);
    expect(answer.body.approval).toMatchObject({ status: 'rejected', decidedBy: 'alice', decisionReason: 'not during the freeze' });
    expect(answer.body.task.state).toBe('denied');
    const again = await h.call('POST', `/api/v1/approvals/${task.approvalId}/approve`, { as: 'bob', body: {} });
    expect([again.status, problemCode(again)]).toEqual([409, 'not_pending']);
  });

  it('reroute: the task ends rerouted and answers the alternative task, submitted for the same agent', async () => {
    const task = await h.submit(PROPOSALS.human);
    const answer = await h.call('POST', `/api/v1/approvals/${task.approvalId}/reroute`, {
      as: 'alice',
      body: { reason: 'open a pull request instead', alternative: { actionType: 'code:read', title: 'Read it first', args: { path: 'x' } } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.approval.status).toBe('rejected');
    expect(answer.body.task).toMatchObject({ state: 'rerouted', alternative: { actionType: 'code:read' } });
    expect(answer.body.alternativeTask).toMatchObject({ agentId: 'agent-1', actionType: 'code:read', state: 'completed', parentTaskId: task.id });
    const bad = await h.call('POST', `/api/v1/approvals/${task.approvalId}/reroute`, { as: 'bob', body: { reason: 'x', alternative: { actionType: 'nope' } } });
    expect([bad.status, problemCode(bad)]).toEqual([400, 'validation_failed']);
  });

  it('reroute: the alternative is the rerouter\'s request — they may not approve it themselves, and the audit names them as its proposer (found by a security trial)', async () => {
    const task = await h.submit(PROPOSALS.human);
    const alternative = { actionType: 'db:mutate', title: 'set a balance', args: { sql: 'UPDATE accounts SET balance = 1e9 WHERE id = 7' } };
    const rerouted = await h.call('POST', `/api/v1/approvals/${task.approvalId}/reroute`, { as: 'carol', body: { reason: 'do this instead', alternative } });
    expect(rerouted.status).toBe(200);
    const alt = rerouted.body.alternativeTask;
    expect([alt.state, alt.agentId, alt.parentTaskId]).toEqual(['parked', task.agentId, task.id]);
    expect((await h.call('GET', `/api/v1/approvals/${alt.approvalId}`)).body.requestedBy).toBe('carol');
    const own = await h.call('POST', `/api/v1/approvals/${alt.approvalId}/approve`, { as: 'carol', body: {} });
    expect([own.status, problemCode(own)]).toEqual([403, 'self_approval']);
    const proposed = (await h.call('GET', `/api/v1/audit?taskId=${alt.id}`)).body.items.find((entry: { action: string }) => entry.action === 'task.proposed');
    expect(proposed.actor).toBe('carol');
    const other = await h.call('POST', `/api/v1/approvals/${alt.approvalId}/approve`, { as: 'alice', body: {} });
    expect([other.status, other.body.task.state]).toEqual([200, 'completed']);
  });

  it('reroute: an alternative whose arguments hold a credential is refused (400) and nothing of it is kept', async () => {
    const task = await h.submit(PROPOSALS.human);
    const answer = await h.call('POST', `/api/v1/approvals/${task.approvalId}/reroute`, {
      as: 'alice',
      body: { reason: 'use the mailer', alternative: { actionType: 'comms:external', args: { to: 'ops', key: 'AKIAIOSFODNN7EXAMPLE' } } },
    });
    expect([answer.status, problemCode(answer)]).toEqual([400, 'validation_failed']);
    expect(answer.body.detail).toMatch(/alternative\.args holds a credential \(an AWS access key in key\)/);
    expect(answer.body.issues).toEqual([{ path: 'alternative.args.key', message: 'holds an AWS access key' }]);
    expect((await h.call('GET', `/api/v1/approvals/${task.approvalId}`)).body.status).toBe('pending');
    const everything = JSON.stringify([(await h.call('GET', '/api/v1/audit')).body, (await h.call('GET', '/api/v1/tasks')).body]);
    expect(everything).not.toContain('AKIAIOSFODNN7EXAMPLE');
    const referenced = await h.call('POST', `/api/v1/approvals/${task.approvalId}/reroute`, {
      as: 'alice',
      body: { reason: 'use the mailer', alternative: { actionType: 'comms:internal', args: { to: 'ops', key: 'process.env.MAILER_KEY' } } },
    });
    expect(referenced.status).toBe(200);
  });

  it('refuses a credential in a decision\'s alternative title, reason or comment (400, the approval untouched)', async () => {
    const task = await h.submit(PROPOSALS.human);
    const token = 'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB';
    const attempts: Array<[string, object, string]> = [
      ['reroute', { reason: 'x', alternative: { actionType: 'code:read', title: `use ${token}` } }, 'alternative.title'],
      ['reroute', { reason: `the token is ${token}`, alternative: { actionType: 'code:read' } }, 'reason'],
      ['reject', { reason: `leaked ${token}` }, 'reason'],
      ['approve', { comment: `ok, used ${token}` }, 'comment'],
    ];
    for (const [verb, body, path] of attempts) {
      const answer = await h.call('POST', `/api/v1/approvals/${task.approvalId}/${verb}`, { as: 'alice', body });
      expect([verb, path, answer.status, problemCode(answer)]).toEqual([verb, path, 400, 'validation_failed']);
      expect(answer.body.issues[0]).toEqual({ path, message: 'holds a GitHub token' });
    }
    expect((await h.call('GET', `/api/v1/approvals/${task.approvalId}`)).body.status).toBe('pending');
    const everything = JSON.stringify([(await h.call('GET', '/api/v1/audit')).body, (await h.call('GET', '/api/v1/tasks')).body]);
    expect(everything).not.toContain(token);
  });

  it('refuses a credential in a cancellation\'s, an autonomy change\'s or a downgrade\'s reason (400, nothing changed): the audit keeps them for good', async () => {
    const task = await h.submit(PROPOSALS.human);
    const token = 'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB';
    const attempts: Array<['agent' | 'admin', string, object]> = [
      ['agent', `/api/v1/tasks/${task.id}/cancel`, { reason: `token ${token}` }],
      ['admin', '/api/v1/autonomy', { scope: 'agent', subject: 'agent-1', level: 'supervised', reason: `rotated ${token}` }],
      ['admin', '/api/v1/autonomy/downgrades', { agentId: 'agent-1', cause: 'security_incident', reason: `leaked ${token}` }],
    ];
    const auditBefore = (await h.call('GET', '/api/v1/audit')).body.items.length;
    for (const [as, path, body] of attempts) {
      const answer = await h.call('POST', path, { as, body });
      expect([path, answer.status, problemCode(answer), answer.body.issues?.[0]?.path]).toEqual([path, 400, 'validation_failed', 'reason']);
      expect(answer.body.detail).toMatch(/holds a GitHub token/);
    }
    expect((await h.call('GET', `/api/v1/tasks/${task.id}`)).body.state).toBe('parked');
    expect((await h.call('GET', '/api/v1/autonomy?agentId=agent-1')).body.items).toEqual([]);
    const audit = (await h.call('GET', '/api/v1/audit')).body.items;
    expect(audit).toHaveLength(auditBefore);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('a decision after the deadline meets the approval as its timeout left it, though the sweeper has not run', async () => {
    const task = await h.submit({ ...PROPOSALS.human, ttlSeconds: 60 });
    h.clock.advance(61_000);
    const late = await h.call('POST', `/api/v1/approvals/${task.approvalId}/approve`, { as: 'alice', body: {} });
    expect([late.status, problemCode(late)]).toEqual([409, 'not_pending']);
    expect(late.body.detail).toMatch(/is expired/);
    expect((await h.call('GET', `/api/v1/tasks/${task.id}`)).body.state).toBe('expired');
    const onTime = await h.submit({ ...PROPOSALS.human, ttlSeconds: 60 });
    h.clock.advance(59_000);
    expect((await h.call('POST', `/api/v1/approvals/${onTime.approvalId}/approve`, { as: 'alice', body: {} })).body.task.state).toBe('completed');
  });

  it('404 for an unknown approval, on read and on every decision', async () => {
    expect((await h.call('GET', '/api/v1/approvals/missing')).status).toBe(404);
    for (const [kind, body] of [['approve', {}], ['reject', { reason: 'x' }], ['reroute', { reason: 'x', alternative: { actionType: 'a:b' } }]] as const) {
      const answer = await h.call('POST', `/api/v1/approvals/missing/${kind}`, { as: 'alice', body });
      expect([answer.status, problemCode(answer)]).toEqual([404, 'not_found']);
    }
  });

  it('lists newest first with filters, total, offset and limit', async () => {
    const made = [];
    for (let i = 0; i < 4; i += 1) {
      h.clock.advance(1_000);
      made.push(await h.submit(i === 3 ? PROPOSALS.critical : PROPOSALS.human));
    }
    await h.call('POST', `/api/v1/approvals/${made[0].approvalId}/reject`, { as: 'alice', body: { reason: 'no' } });
    const all = await h.call('GET', '/api/v1/approvals', { as: 'viewer' });
    expect(all.body).toMatchObject({ total: 4, offset: 0, limit: 50 });
    expect(all.body.items.map((a: { taskId: string }) => a.taskId)).toEqual(made.map((t) => t.id).reverse());
    const page = await h.call('GET', '/api/v1/approvals?offset=1&limit=2');
    expect(page.body).toMatchObject({ total: 4, offset: 1, limit: 2 });
    expect(page.body.items.map((a: { taskId: string }) => a.taskId)).toEqual([made[2].id, made[1].id]);
    expect((await h.call('GET', '/api/v1/approvals?status=pending')).body.total).toBe(3);
    expect((await h.call('GET', '/api/v1/approvals?riskLevel=critical')).body.items).toHaveLength(1);
    expect((await h.call('GET', '/api/v1/approvals?actionType=deploy:production')).body.total).toBe(1);
    const urgent = await h.call('GET', '/api/v1/approvals?status=pending&order=urgency', { as: 'viewer' });
    // The critical one first; then the high ones, the nearest deadline (the oldest request) first.
    expect(urgent.body.items.map((a: { taskId: string }) => a.taskId)).toEqual([made[3].id, made[1].id, made[2].id]);
    expect(urgent.body).toMatchObject({ total: 3, offset: 0, limit: 50 });
    // What carol (up to high) may decide: the critical one left out, counted in total accordingly.
    const carols = await h.call('GET', '/api/v1/approvals?status=pending&order=urgency&riskAtMost=high', { as: 'carol' });
    expect(carols.body.items.map((a: { taskId: string }) => a.taskId)).toEqual([made[1].id, made[2].id]);
    expect(carols.body.total).toBe(2);
    const newest = await h.call('GET', '/api/v1/approvals?status=pending&order=newest');
    expect(newest.body.items.map((a: { taskId: string }) => a.taskId)).toEqual([made[3].id, made[2].id, made[1].id]);
    for (const query of ['status=open', 'riskLevel=extreme', 'riskAtMost=severe', 'actionType=Deploy', 'limit=201', 'limit=0', 'offset=-1', 'offset=x', 'order=riskiest', 'order=URGENCY']) {
      const answer = await h.call('GET', `/api/v1/approvals?${query}`);
      expect([query, answer.status, problemCode(answer)]).toEqual([query, 400, 'validation_failed']);
    }
  });

  it('pages by cursor: nextCursor until the last page, nothing skipped or repeated while the queue moves', async () => {
    const made = [];
    for (let i = 0; i < 7; i += 1) {
      h.clock.advance(1_000);
      made.push(await h.submit(i % 3 === 0 ? PROPOSALS.critical : PROPOSALS.human));
    }
    const urgentOrder = (await h.call('GET', '/api/v1/approvals?status=pending&order=urgency')).body.items.map((a: { id: string }) => a.id);
    const first = await h.call('GET', '/api/v1/approvals?status=pending&order=urgency&limit=3', { as: 'viewer' });
    expect(first.body).toMatchObject({ total: 7, offset: 0, limit: 3, nextCursor: expect.stringMatching(/^[A-Za-z0-9_-]+$/) });
    // Meanwhile the first approval of the page after is decided and a new critical one arrives
    // (after the three critical ones of the first page: its deadline is the latest of them). The
    // next page starts where the first one ended, not three items further down the moved queue.
    await h.call('POST', `/api/v1/approvals/${urgentOrder[3]}/reject`, { as: 'alice', body: { reason: 'no' } });
    h.clock.advance(1_000);
    const late = await h.submit(PROPOSALS.critical);
    const seen: string[] = first.body.items.map((a: { id: string }) => a.id);
    let cursor: string | null = first.body.nextCursor;
    while (cursor) {
      const page = await h.call('GET', `/api/v1/approvals?status=pending&order=urgency&limit=3&cursor=${cursor}`, { as: 'viewer' });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((a: { id: string }) => a.id));
      cursor = page.body.nextCursor;
    }
    expect(seen).toEqual([...urgentOrder.slice(0, 3), late.approvalId, ...urgentOrder.slice(4)]);
    const whole = await h.call('GET', '/api/v1/approvals?status=pending&order=urgency&limit=200');
    expect(whole.body.nextCursor).toBeNull();
    const exact = await h.call('GET', `/api/v1/approvals?status=pending&order=urgency&limit=${whole.body.total}`);
    expect(exact.body.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not write, one of another listing, or one with offset: 400, naming the cursor', async () => {
    for (let i = 0; i < 3; i += 1) await h.submit(PROPOSALS.human);
    const { nextCursor } = (await h.call('GET', '/api/v1/approvals?status=pending&order=urgency&limit=1')).body;
    const forged = Buffer.from(JSON.stringify({ v: 1, order: 'urgency', status: 'pending', after: { riskLevel: 'high', expiresAt: 'soon', createdAt: 'x', id: 'a' } })).toString('base64url');
    const crafted = (body: object) => Buffer.from(JSON.stringify(body)).toString('base64url');
    const position = { riskLevel: 'high', expiresAt: null, createdAt: '2030-01-01T00:00:00.000Z', id: 'a' };
    // A NUL in the id would reach PostgreSQL, which cannot take it (a 500 there before).
    const withNul = crafted({ v: 1, order: 'urgency', status: 'pending', after: { ...position, id: 'a\u0000b' } });
    const otherTier = crafted({ v: 1, order: 'urgency', status: 'pending', riskLevel: 'high', after: { ...position, riskLevel: 'critical' } });
    const refusals: Array<[string, RegExp]> = [
      [`status=pending&order=urgency&cursor=${withNul}`, /not a cursor this server gave out/],
      [`status=pending&order=urgency&riskLevel=high&cursor=${otherTier}`, /not a cursor this server gave out/],
      [`status=pending&order=urgency&cursor=${forged}`, /not a cursor this server gave out/],
      ['status=pending&order=urgency&cursor=not-base64-json', /not a cursor this server gave out/],
      [`status=pending&order=urgency&cursor=${'A'.repeat(1_001)}`, /cursor/],
      [`status=pending&order=newest&cursor=${nextCursor}`, /another order/],
      [`status=approved&order=urgency&cursor=${nextCursor}`, /another status/],
      [`order=urgency&cursor=${nextCursor}`, /another status/],
      [`status=pending&order=urgency&riskLevel=high&cursor=${nextCursor}`, /another riskLevel/],
      [`status=pending&order=urgency&riskAtMost=high&cursor=${nextCursor}`, /another riskAtMost/],
      [`status=pending&order=urgency&offset=1&cursor=${nextCursor}`, /cursor or offset, not both/],
    ];
    for (const [query, message] of refusals) {
      const answer = await h.call('GET', `/api/v1/approvals?${query}`);
      expect([query, answer.status, problemCode(answer)]).toEqual([query, 400, 'validation_failed']);
      expect(answer.body.detail ?? answer.body.title).toMatch(message);
    }
    expect((await h.call('GET', `/api/v1/approvals?status=pending&order=urgency&limit=1&cursor=${nextCursor}`)).status).toBe(200);
    // An empty cursor is no cursor (as on /tasks): the first page.
    expect((await h.call('GET', '/api/v1/approvals?status=pending&order=urgency&limit=1&cursor=')).body.items).toHaveLength(1);
    for (const path of ['/api/v1/approvals/a%00b', '/api/v1/tasks/a%00b', '/api/v1/tasks?cursor=a%00b']) {
      const answer = await h.call('GET', path);
      expect([path, answer.status, problemCode(answer)]).toEqual([path, 400, 'validation_failed']);
    }
  });

  it("a reroute's alternative title follows a proposal's title rules: no NUL, no bidirectional controls (400, nothing changes)", async () => {
    // Found by the decisions security trial: the alternative's title became a new task's title
    // unchecked (`ok\u0000\u202eexe.pdf`), where POST /tasks refuses both; a NUL cannot be stored in PostgreSQL's TEXT.
    const task = await h.submit(PROPOSALS.human);
    const path = `/api/v1/approvals/${task.approvalId}/reroute`;
    for (const title of ['ok\u0000x', 'invoice\u202efdp.exe']) {
      const answer = await h.call('POST', path, { as: 'carol', body: { reason: 'safer', alternative: { actionType: 'code:read', title } } });
      expect([answer.status, problemCode(answer)]).toEqual([400, 'validation_failed']);
    }
    expect((await h.call('GET', `/api/v1/approvals/${task.approvalId}`)).body.status).toBe('pending');
  });

  it('comments and reasons shown to the other approvers may not hold bidirectional controls (400), as descriptions may not', async () => {
    const task = await h.submit(PROPOSALS.critical);
    const approve = await h.call('POST', `/api/v1/approvals/${task.approvalId}/approve`, { as: 'alice', body: { comment: 'checked: runs \u202eexe.pdf' } });
    expect([approve.status, problemCode(approve)]).toEqual([400, 'validation_failed']);
    const reject = await h.call('POST', `/api/v1/approvals/${task.approvalId}/reject`, { as: 'alice', body: { reason: 'no \u2066x\u2069' } });
    expect([reject.status, problemCode(reject)]).toEqual([400, 'validation_failed']);
    expect((await h.call('GET', `/api/v1/approvals/${task.approvalId}`)).body).toMatchObject({ status: 'pending', approvals: [] });
  });
});
