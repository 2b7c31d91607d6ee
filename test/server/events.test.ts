import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppHarness, PROPOSALS, problemCode, tokenOf } from './support/app-harness.ts';
import { SseReader } from './support/sse-reader.ts';

describe('events (SSE) and /wait', () => {
  let h: AppHarness;
  const readers: SseReader[] = [];
  beforeEach(() => {
    h = new AppHarness({ heartbeatMs: 50 });
  });
  afterEach(async () => {
    for (const reader of readers.splice(0)) await reader.close();
    await h.close();
  });

  async function open(lastEventId?: string): Promise<SseReader> {
    const headers: Record<string, string> = { authorization: `Bearer ${tokenOf('viewer')}` };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    const response = await h.app.request('/api/v1/events', { headers });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = new SseReader(response.body!);
    readers.push(reader);
    return reader;
  }

  it('streams live lifecycle events with increasing ids, types and taskId/approvalId', async () => {
    const stream = await open();
    await stream.waitForComment(/tollgate events after id 0/);
    const task = await h.submit(PROPOSALS.human);
    const events = await stream.take(4);
    expect(events.map((e) => e.event)).toEqual(['task.proposed', 'task.evaluated', 'approval.submitted', 'task.parked']);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(events.every((e) => e.data.taskId === task.id && e.data.id === e.id && e.data.type === e.event)).toBe(true);
    expect(events[3]?.data.approvalId).toBe(task.approvalId);
    await stream.waitForComment(/heartbeat/);
  });

  it('replays what a client missed after Last-Event-ID, then continues live without gap or duplicate', async () => {
    const first = await h.submit(PROPOSALS.human);
    await h.submit(PROPOSALS.auto);
    const total = await h.store.lastEventId();
    const stream = await open('2');
    // While the replay is read, more events are committed: they must follow exactly once.
    const approving = h.call('POST', `/api/v1/approvals/${first.approvalId}/approve`, { as: 'alice', body: {} });
    const replayed = await stream.take(total - 2);
    await approving;
    const after = await h.store.lastEventId();
    const live = await stream.take(after - total);
    const ids = [...replayed, ...live].map((e) => e.id);
    expect(ids).toEqual(Array.from({ length: after - 2 }, (_, i) => i + 3));
    expect(live.map((e) => e.event)).toEqual(['approval.approved', 'task.resumed', 'task.executing', 'task.completed']);
    await expect(stream.take(1, 150)).rejects.toThrow(/timed out/);
  });

  it('Last-Event-ID 0 replays the whole journal; a bad one is 400', async () => {
    await h.submit(PROPOSALS.auto);
    const stream = await open('0');
    expect((await stream.take(4)).map((e) => e.id)).toEqual([1, 2, 3, 4]);
    for (const bad of ['abc', '-1', '1.5', '9'.repeat(20)]) {
      const answer = await h.call('GET', '/api/v1/events', { headers: { 'last-event-id': bad } });
      expect([bad, answer.status, problemCode(answer)]).toEqual([bad, 400, 'validation_failed']);
    }
    expect((await h.call('GET', '/api/v1/events', { as: null })).status).toBe(401);
  });

  it('ends open streams on shutdown and forgets a client that went away', async () => {
    const gone = await open();
    await gone.close();
    const stream = await open();
    await stream.waitForComment(/tollgate events/);
    h.shutdown.abort();
    await expect(stream.take(1, 2_000)).rejects.toThrow(/ended/);
    const head = await h.call('HEAD', '/api/v1/events', { as: 'viewer' });
    expect([head.status, head.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
    const metrics = await h.call('GET', '/metrics', { as: null });
    expect(metrics.text).toMatch(/^tollgate_sse_clients 0$/m);
  });

  it('/wait answers as soon as the task leaves parked, or still parked after timeoutMs', async () => {
    const task = await h.submit(PROPOSALS.human);
    const started = Date.now();
    const timedOut = await h.call('GET', `/api/v1/tasks/${task.id}/wait?timeoutMs=100`);
    expect(timedOut.status).toBe(200);
    expect(timedOut.body.state).toBe('parked');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);

    const waiting = h.call('GET', `/api/v1/tasks/${task.id}/wait?timeoutMs=10000`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await h.call('POST', `/api/v1/approvals/${task.approvalId}/reject`, { as: 'alice', body: { reason: 'no' } });
    const answer = await waiting;
    expect(answer.body.state).toBe('denied');
    expect(answer.body.history.at(-1).to).toBe('denied');

    const done = await h.submit(PROPOSALS.auto);
    expect((await h.call('GET', `/api/v1/tasks/${done.id}/wait`)).body.state).toBe('completed');
  });

  it('/wait validates timeoutMs (0…60000) and answers 404 for an unknown task', async () => {
    const task = await h.submit(PROPOSALS.human);
    for (const query of ['timeoutMs=60001', 'timeoutMs=-5', 'timeoutMs=soon', 'timeoutMs=1e3']) {
      const answer = await h.call('GET', `/api/v1/tasks/${task.id}/wait?${query}`);
      expect([query, answer.status, problemCode(answer)]).toEqual([query, 400, 'validation_failed']);
    }
    // Too large is said so, however many digits.
    for (const big of ['60001', '99999999999', '9'.repeat(40)]) {
      expect((await h.call('GET', `/api/v1/tasks/${task.id}/wait?timeoutMs=${big}`)).body.detail).toContain('timeoutMs: must be at most 60000');
    }
    expect((await h.call('GET', `/api/v1/tasks/${task.id}/wait?timeoutMs=soon`)).body.detail).toContain('must be a decimal integer');
    expect((await h.call('GET', `/api/v1/tasks/${task.id}/wait?timeoutMs=0`)).body.state).toBe('parked');
    const missing = await h.call('GET', '/api/v1/tasks/nope/wait?timeoutMs=10');
    expect([missing.status, problemCode(missing)]).toEqual([404, 'not_found']);
  });

  it('/wait answers the expired task when the deadline passes', async () => {
    const task = await h.submit({ ...PROPOSALS.human, ttlSeconds: 60 });
    const waiting = h.call('GET', `/api/v1/tasks/${task.id}/wait?timeoutMs=5000`);
    h.clock.advance(61_000);
    expect(await h.engine.expireDue()).toBe(1);
    expect((await waiting).body.state).toBe('expired');
  });
});
