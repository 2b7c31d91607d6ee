import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppHarness, PROPOSALS, problemCode } from './support/app-harness.ts';

describe('tasks API', () => {
  let h: AppHarness;
  beforeEach(() => {
    h = new AppHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('submits: 201 with the settled task, agentId from the token', async () => {
    const auto = await h.call('POST', '/api/v1/tasks', { body: PROPOSALS.auto });
    expect(auto.status).toBe(201);
    expect(auto.headers.get('x-content-type-options')).toBe('nosniff');
    expect(auto.body.task).toMatchObject({ state: 'completed', agentId: 'agent-1', result: { cleared: true }, approvalId: null });
    const parked = await h.call('POST', '/api/v1/tasks', { body: { ...PROPOSALS.human, department: 'platform', metadata: { ticket: 'OPS-1' } } });
    expect(parked.status).toBe(201);
    expect(parked.body.task).toMatchObject({ state: 'parked', riskLevel: 'high', department: 'platform', verdict: { decision: 'escalate' } });
    expect(parked.body.task.approvalId).toEqual(expect.any(String));
    const denied = await h.call('POST', '/api/v1/tasks', { body: PROPOSALS.dangerous });
    expect(denied.body.task.state).toBe('denied');
  });

  it('takes null for an optional field as absent, as a task shows it (clients that write absent fields as null)', async () => {
    const nulls = { description: null, department: null, idempotencyKey: null, ttlSeconds: null, metadata: null };
    const first = await h.call('POST', '/api/v1/tasks', { body: { ...PROPOSALS.auto, args: null, ...nulls } });
    expect(first.status).toBe(201);
    expect(first.body.task).toMatchObject({ state: 'completed', description: null, department: null, args: {} });
    // A null key is no key: the same body again is another task, not a replay.
    const again = await h.call('POST', '/api/v1/tasks', { body: { ...PROPOSALS.auto, ...nulls } });
    expect(again.status).toBe(201);
    expect(again.body.task.id).not.toBe(first.body.task.id);
    // The required ones still are.
    expect(problemCode(await h.call('POST', '/api/v1/tasks', { body: { ...PROPOSALS.auto, title: null } }))).toBe('validation_failed');
  });

  it('shows every field of API.md: description and department are null when the proposal gave none', async () => {
    const bare = { actionType: PROPOSALS.human.actionType, title: 'push', args: PROPOSALS.human.args };
    const { task } = (await h.call('POST', '/api/v1/tasks', { body: bare })).body;
    expect(task).toMatchObject({ description: null, department: null });
    const shown = (await h.call('GET', `/api/v1/tasks/${task.id}`)).body;
    expect(shown).toMatchObject({ description: null, department: null });
    expect((await h.call('GET', '/api/v1/tasks')).body.items[0]).toMatchObject({ description: null, department: null });
    const approval = (await h.call('GET', `/api/v1/approvals/${task.approvalId}`)).body;
    expect(approval.description).toBeNull();
    expect((await h.call('GET', '/api/v1/approvals')).body.items[0].description).toBeNull();
    const decided = (await h.call('POST', `/api/v1/approvals/${task.approvalId}/approve`, { as: 'alice', body: {} })).body;
    expect(decided.approval.description).toBeNull();
    expect(decided.task).toMatchObject({ description: null, department: null, state: 'completed' });

    const described = (await h.call('POST', '/api/v1/tasks', { body: { ...bare, description: 'why', department: 'platform' } })).body.task;
    expect(described).toMatchObject({ description: 'why', department: 'platform' });
    expect((await h.call('GET', `/api/v1/approvals/${described.approvalId}`)).body.description).toBe('why');
  });

  it('admins may submit; approvers and observers may not (403 forbidden)', async () => {
    expect((await h.call('POST', '/api/v1/tasks', { as: 'admin', body: PROPOSALS.auto })).status).toBe(201);
    for (const as of ['alice', 'viewer'] as const) {
      const answer = await h.call('POST', '/api/v1/tasks', { as, body: PROPOSALS.auto });
      expect(answer.status).toBe(403);
      expect(problemCode(answer)).toBe('forbidden');
    }
  });

  it('answers the same idempotencyKey from the same caller with 200 and the first task', async () => {
    const first = await h.call('POST', '/api/v1/tasks', { body: { ...PROPOSALS.human, idempotencyKey: 'k-1' } });
    const again = await h.call('POST', '/api/v1/tasks', { body: { ...PROPOSALS.human, idempotencyKey: 'k-1' } });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.task.id).toBe(first.body.task.id);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // A true retry: nothing differs.
    expect(again.headers.get('idempotency-key-mismatch')).toBeNull();
    const other = await h.call('POST', '/api/v1/tasks', { as: 'agent2', body: { ...PROPOSALS.human, idempotencyKey: 'k-1' } });
    expect(other.status).toBe(201);
    expect(other.body.task.id).not.toBe(first.body.task.id);
  });

  it('answers a key reused for a different proposal with the first task, and says what differs (header, warning log)', async () => {
    const first = await h.call('POST', '/api/v1/tasks', { body: { ...PROPOSALS.human, idempotencyKey: 'k-2' } });
    const other = await h.call('POST', '/api/v1/tasks', {
      body: { ...PROPOSALS.human, title: 'Push something else', args: { branch: 'main' }, idempotencyKey: 'k-2' },
    });
    expect(other.status).toBe(200);
    expect(other.body.task.id).toBe(first.body.task.id);
    expect(other.body.task.args).toEqual(PROPOSALS.human.args);
    expect(other.headers.get('idempotent-replayed')).toBe('true');
    expect(other.headers.get('idempotency-key-mismatch')).toBe('title, args');
  });

  it.each([
    ['a bad actionType', { ...PROPOSALS.auto, actionType: 'Deploy Production' }],
    ['an actionType without a category', { ...PROPOSALS.auto, actionType: 'push' }],
    ['ttlSeconds 0', { ...PROPOSALS.human, ttlSeconds: 0 }],
    ['ttlSeconds above a week', { ...PROPOSALS.human, ttlSeconds: 604_801 }],
    ['a fractional ttlSeconds', { ...PROPOSALS.human, ttlSeconds: 1.5 }],
    ['a string ttlSeconds', { ...PROPOSALS.human, ttlSeconds: '60' }],
    ['no title', { actionType: 'code:read' }],
    ['an unknown field', { ...PROPOSALS.auto, priority: 'high' }],
    ['an agentId in the body', { ...PROPOSALS.auto, agentId: 'someone-else' }],
    ['args that are not an object', { ...PROPOSALS.auto, args: [1, 2] }],
    ['a body that is an array', [PROPOSALS.auto]],
    ['a body that is null', null],
  ])('400 validation_failed for %s, and nothing is stored', async (_name, body) => {
    const answer = await h.call('POST', '/api/v1/tasks', { raw: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(400);
    expect(problemCode(answer)).toBe('validation_failed');
    expect(answer.body.issues.length).toBeGreaterThan(0);
    expect(await h.store.lastEventId()).toBe(0);
  });

  it('accepts ttlSeconds 1 and 604800 and uses it as the deadline', async () => {
    const short = await h.submit({ ...PROPOSALS.human, ttlSeconds: 1 });
    const approval = await h.call('GET', `/api/v1/approvals/${short.approvalId}`);
    expect(Date.parse(approval.body.expiresAt) - Date.parse(approval.body.createdAt)).toBe(1_000);
    expect((await h.call('POST', '/api/v1/tasks', { body: { ...PROPOSALS.human, ttlSeconds: 604_800 } })).status).toBe(201);
  });

  it('400 for bad JSON, 415 for another media type, 413 above 1 MiB (declared or streamed)', async () => {
    const badJson = await h.call('POST', '/api/v1/tasks', { raw: '{"actionType":', headers: { 'content-type': 'application/json' } });
    expect([badJson.status, problemCode(badJson)]).toEqual([400, 'validation_failed']);
    const badUtf8 = await h.call('POST', '/api/v1/tasks', { raw: new Uint8Array([0x7b, 0xff, 0x7d]), headers: { 'content-type': 'application/json' } });
    expect([badUtf8.status, problemCode(badUtf8)]).toEqual([400, 'validation_failed']);
    const text = await h.call('POST', '/api/v1/tasks', { raw: JSON.stringify(PROPOSALS.auto), headers: { 'content-type': 'text/plain' } });
    expect([text.status, problemCode(text)]).toEqual([415, 'unsupported_media_type']);
    const none = await h.call('POST', '/api/v1/tasks', { raw: JSON.stringify(PROPOSALS.auto), headers: { 'content-type': '' } });
    expect(none.status).toBe(415);
    const charset = await h.call('POST', '/api/v1/tasks', { raw: JSON.stringify(PROPOSALS.auto), headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(charset.status).toBe(201);
    // An encoded body is refused, not read as plain JSON (found by a new-user trial); identity is no encoding.
    const gzip = await h.call('POST', '/api/v1/tasks', { raw: JSON.stringify(PROPOSALS.auto), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect([gzip.status, problemCode(gzip), gzip.body.detail]).toEqual([415, 'unsupported_media_type', 'content-encoding gzip is not accepted; send the body uncompressed']);
    const identity = await h.call('POST', '/api/v1/tasks', { raw: JSON.stringify({ ...PROPOSALS.auto, title: 'identity' }), headers: { 'content-type': 'application/json', 'content-encoding': 'identity' } });
    expect(identity.status).toBe(201);

    const big = JSON.stringify({ ...PROPOSALS.auto, description: 'x'.repeat(1024 * 1024) });
    const declared = await h.call('POST', '/api/v1/tasks', { raw: big, headers: { 'content-type': 'application/json' } });
    expect([declared.status, problemCode(declared)]).toEqual([413, 'payload_too_large']);
    // No content-length: the body arrives in chunks and is cut off once past the limit.
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 3 * 1024 * 1024) return controller.close();
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const response = await h.app.request('/api/v1/tasks', {
      method: 'POST',
      headers: { authorization: `Bearer ${'test-token-agent'.padEnd(32, '0')}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(sent).toBeLessThan(2 * 1024 * 1024);
    expect((await h.store.listTasks({ limit: 10 })).items).toHaveLength(2); // only the charset=utf-8 and the identity-encoded ones
  });

  it('401 without a token, with a malformed header, or with an unknown token', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Basic abc' }, { authorization: 'Bearer' }, { authorization: `Bearer ${'n'.repeat(32)}` }]) {
      const answer = await h.call('GET', '/api/v1/tasks', { as: null, headers });
      expect([answer.status, problemCode(answer)]).toEqual([401, 'unauthorized']);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const post = await h.call('POST', '/api/v1/tasks', { as: null, body: PROPOSALS.auto });
    expect(post.status).toBe(401);
  });

  it('reads a task with its history; 404 for an unknown id', async () => {
    const task = await h.submit(PROPOSALS.auto);
    const answer = await h.call('GET', `/api/v1/tasks/${task.id}`, { as: 'viewer' });
    expect(answer.status).toBe(200);
    expect(answer.body.history.map((step: { to: string }) => step.to)).toEqual(['proposed', 'evaluating', 'autoApproved', 'executing', 'completed']);
    const missing = await h.call('GET', '/api/v1/tasks/no-such-task');
    expect([missing.status, problemCode(missing)]).toEqual([404, 'not_found']);
    const tooLong = await h.call('GET', `/api/v1/tasks/${'x'.repeat(201)}`);
    expect(tooLong.status).toBe(400);
  });

  it('lists newest first, filters by state and pages with nextCursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      h.clock.advance(1);
      ids.push((await h.submit(i % 2 === 0 ? PROPOSALS.auto : PROPOSALS.human)).id);
    }
    const first = await h.call('GET', '/api/v1/tasks?limit=2');
    expect(first.body.items.map((t: { id: string }) => t.id)).toEqual([ids[4], ids[3]]);
    const second = await h.call('GET', `/api/v1/tasks?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((t: { id: string }) => t.id)).toEqual([ids[2], ids[1]]);
    const last = await h.call('GET', `/api/v1/tasks?limit=2&cursor=${second.body.nextCursor}`);
    expect(last.body).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });
    const parked = await h.call('GET', '/api/v1/tasks?state=parked&state=');
    expect(parked.status).toBe(400); // given twice
    const onlyParked = await h.call('GET', '/api/v1/tasks?state=parked');
    expect(onlyParked.body.items.map((t: { id: string }) => t.id)).toEqual([ids[3], ids[1]]);
    for (const query of ['state=sleeping', 'limit=0', 'limit=201', 'limit=ten', 'limit=-1', 'limit=1.5', 'cursor=garbage', 'cursor=zzzz']) {
      const answer = await h.call('GET', `/api/v1/tasks?${query}`);
      expect([query, answer.status, problemCode(answer)]).toEqual([query, 400, 'validation_failed']);
    }
  });

  it('cancels a parked task (its agent or an admin): task cancelled, approval cancelled', async () => {
    const mine = await h.submit(PROPOSALS.human);
    const other = await h.call('POST', `/api/v1/tasks/${mine.id}/cancel`, { as: 'agent2' });
    expect([other.status, problemCode(other)]).toEqual([403, 'forbidden']);
    const approver = await h.call('POST', `/api/v1/tasks/${mine.id}/cancel`, { as: 'alice' });
    expect([approver.status, problemCode(approver)]).toEqual([403, 'forbidden']);
    const cancelled = await h.call('POST', `/api/v1/tasks/${mine.id}/cancel`); // empty body, no content-type
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.task.state).toBe('cancelled');
    expect((await h.call('GET', `/api/v1/approvals/${mine.approvalId}`)).body.status).toBe('cancelled');
    const again = await h.call('POST', `/api/v1/tasks/${mine.id}/cancel`, { body: {} });
    expect([again.status, problemCode(again)]).toEqual([409, 'invalid_transition']);

    const byAdmin = await h.submit(PROPOSALS.human);
    const admin = await h.call('POST', `/api/v1/tasks/${byAdmin.id}/cancel`, { as: 'admin', body: { reason: 'duplicate' } });
    expect(admin.body.task.state).toBe('cancelled');
    const bad = await h.call('POST', `/api/v1/tasks/${byAdmin.id}/cancel`, { body: { reason: '' } });
    expect(bad.status).toBe(400);
    const missing = await h.call('POST', '/api/v1/tasks/nope/cancel', { body: {} });
    expect(missing.status).toBe(404);
  });

  it('a force push escalates even at full autonomy; its verdict suggests the --force-with-lease reroute, taken only by an approver (found by a new-user trial)', async () => {
    expect((await h.call('POST', '/api/v1/autonomy', { as: 'admin', body: { scope: 'agent', subject: 'agent-1', level: 'full', reason: 'trusted' } })).status).toBe(200);
    const task = await h.submit({ actionType: 'vcs:push', title: 'push', args: { command: 'git push -f origin main' } });
    expect([task.state, task.autonomy, task.verdict.decision]).toEqual(['parked', 'full', 'escalate']);
    const suggested = task.verdict.suggestedAlternative;
    expect(suggested).toMatchObject({ actionType: 'vcs:push', args: { command: 'git push --force-with-lease origin main' } });
    const rerouted = await h.call('POST', `/api/v1/approvals/${task.approvalId}/reroute`, { as: 'alice', body: { reason: 'lease it', alternative: suggested } });
    expect([rerouted.status, rerouted.body.task.state]).toEqual([200, 'rerouted']);
    // A plain push at full autonomy needs nobody, and suggests nothing.
    const plain = await h.submit({ actionType: 'vcs:push', title: 'push', args: { command: 'git push origin main' } });
    expect([plain.state, plain.verdict.suggestedAlternative]).toEqual(['completed', undefined]);
  });

  it('refuses a credential in an idempotency key (400): it is stored with the task (found by a security trial)', async () => {
    const answer = await h.call('POST', '/api/v1/tasks', { body: { ...PROPOSALS.auto, idempotencyKey: 'AKIAZZZZYYYYXXXXWWWW' } });
    expect([answer.status, problemCode(answer), answer.body.issues?.[0]?.path]).toEqual([400, 'validation_failed', 'idempotencyKey']);
  });

  it('refuses bidirectional override characters in a title or description (400): "evil" must not display as "live" to the approver (found by a new-user trial)', async () => {
    for (const [body, path] of [
      [{ ...PROPOSALS.human, title: 'deploy \u202elive' }, 'title'],
      [{ ...PROPOSALS.human, title: 'a\u2066b\u2069' }, 'title'],
      [{ ...PROPOSALS.human, description: 'harmless \u202dreally' }, 'description'],
    ] as const) {
      const answer = await h.call('POST', '/api/v1/tasks', { body });
      expect([answer.status, problemCode(answer), answer.body.issues?.[0]?.path]).toEqual([400, 'validation_failed', path]);
      expect(answer.body.detail).toMatch(/bidirectional override/);
    }
    // Right-to-left text itself is fine.
    expect((await h.call('POST', '/api/v1/tasks', { body: { ...PROPOSALS.auto, title: 'עדכון תיעוד', description: 'تحديث' } })).status).toBe(201);
  });

  it('refuses a lone UTF-16 surrogate anywhere in a body (400 naming where): PostgreSQL would read it back as U+FFFD', async () => {
    for (const [raw, path] of [
      ['{"actionType":"code:read","title":"x\\ud800y"}', 'title'],
      ['{"actionType":"code:read","title":"x","args":{"path":"a\\udc00"}}', 'args.path'],
      ['{"actionType":"code:read","title":"x","metadata":{"k\\ud83d":1}}', 'metadata.k\ud83d'],
    ] as const) {
      const answer = await h.call('POST', '/api/v1/tasks', { raw, headers: { 'content-type': 'application/json' } });
      expect([answer.status, problemCode(answer), answer.body.issues?.[0]?.path]).toEqual([400, 'validation_failed', path]);
    }
    // A surrogate pair, escaped or not, is text.
    const pair = await h.call('POST', '/api/v1/tasks', { raw: '{"actionType":"code:read","title":"ship it \\ud83d\\ude80 😀"}', headers: { 'content-type': 'application/json' } });
    expect(pair.status).toBe(201);
    expect(pair.body.task.title).toBe('ship it 🚀 😀');
    expect((await h.call('GET', '/api/v1/tasks')).body.items).toHaveLength(1);
  });

  it('refuses a credential in the title, description or metadata (400, nothing kept); words about passwords are fine', async () => {
    const refusals: Array<[object, string, RegExp]> = [
      [{ ...PROPOSALS.auto, title: 'Read the file with key AKIAIOSFODNN7EXAMPLE' }, 'title', /title holds an AWS access key/],
      [{ ...PROPOSALS.auto, description: 'clone https://bot:s3cretpass@git.example.com/repo.git' }, 'description', /description holds credentials in a URL/],
      [{ ...PROPOSALS.auto, metadata: { trace: 't-1', db_password: 'hunter2hunter2' } }, 'metadata.db_password', /metadata holds a credential/],
      [{ ...PROPOSALS.auto, department: 'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB' }, 'department', /department holds a GitHub token/],
    ];
    for (const [body, path, message] of refusals) {
      const answer = await h.call('POST', '/api/v1/tasks', { body });
      expect([path, answer.status, problemCode(answer)]).toEqual([path, 400, 'validation_failed']);
      expect(answer.body.detail).toMatch(message);
      expect(answer.body.issues[0].path).toBe(path);
    }
    expect((await h.call('GET', '/api/v1/tasks')).body.items).toEqual([]);
    const words = await h.submit({ ...PROPOSALS.auto, title: 'Rotate the password of the staging database', description: 'The password is expired; api key rotation follows.' });
    expect(words.state).toBe('completed');
  });
});
