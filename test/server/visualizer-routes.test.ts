import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import { createApp, type TollgateApp } from '../../src/server/app.ts';
import { InspectionHub } from '../../src/server/inspection-hub.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { GRANTS, PRINCIPALS, PROPOSALS, tokenOf } from './support/app-harness.ts';
import { SseReader } from './support/sse-reader.ts';

const auth = (who: keyof typeof PRINCIPALS = 'alice') => ({ authorization: `Bearer ${tokenOf(who)}` });

describe('visualizer routes', () => {
  let engine: Engine;
  let app: TollgateApp;
  const hub = new InspectionHub();
  const shutdown = new AbortController();

  beforeAll(() => {
    engine = createEngine({ store: createMemoryStore(), inspect: hub.inspect });
    app = createApp({ engine, tokens: GRANTS, inspection: hub, signal: shutdown.signal, heartbeatMs: 200 });
  });
  afterAll(async () => {
    shutdown.abort();
    await engine.close();
  });

  it('serves the page without a token, under a strict content security policy', async () => {
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe');
    // Its Approve button cannot be framed by another page (clickjacking), by old browsers either.
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('/visualizer/app.js');
    expect(html).toContain('/visualizer/elk.js');
  });

  it('serves the bundled client, its styles, elk.js and the icon', async () => {
    const [js, css, elk, icon] = await Promise.all(['/visualizer/app.js', '/visualizer/app.css', '/visualizer/elk.js', '/visualizer/icon.svg'].map((path) => app.request(path)));
    expect(js!.headers.get('content-type')).toMatch(/^text\/javascript/);
    const code = await js!.text();
    expect(code.length).toBeGreaterThan(10_000);
    expect(code).toContain('/api/v1/inspect');
    expect(code).not.toMatch(/access_token|[?&]token=/);
    expect(css!.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await css!.text()).toContain('.chart-svg');
    expect(await elk!.text()).toContain('ELK');
    expect(icon!.headers.get('content-type')).toBe('image/svg+xml');
  });

  it('GET /api/v1/me answers the principal of the token, and 401 without one', async () => {
    const me = await app.request('/api/v1/me', { headers: auth('carol') });
    expect(await me.json()).toEqual(PRINCIPALS.carol);
    const anonymous = await app.request('/api/v1/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('GET /api/v1/task-counts counts tasks by state and follows events', async () => {
    const before = ((await (await app.request('/api/v1/task-counts', { headers: auth('viewer') })).json()) as any).counts;
    const post = (body: unknown) => app.request('/api/v1/tasks', { method: 'POST', headers: { ...auth('agent'), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await post(PROPOSALS.auto);
    await post(PROPOSALS.human);
    const after = ((await (await app.request('/api/v1/task-counts', { headers: auth('viewer') })).json()) as any).counts;
    expect(after.completed).toBe(before.completed + 1);
    expect(after.parked).toBe(before.parked + 1);
    expect(Object.keys(after)).toContain('quarantined');
  });

  it('GET /api/v1/inspect streams a task’s records, then live ones with full detail', async () => {
    const post = await app.request('/api/v1/tasks', { method: 'POST', headers: { ...auth('agent'), 'content-type': 'application/json' }, body: JSON.stringify(PROPOSALS.human) });
    const { task } = (await post.json()) as any;
    const response = await app.request(`/api/v1/inspect?taskId=${task.id}`, { headers: auth('viewer') });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = new SseReader(response.body!);
    const replayed = await reader.take(hub.recent(task.id).length);
    expect(replayed.every((event) => event.event === 'inspection' && event.data.taskId === task.id)).toBe(true);
    expect(replayed.every((event) => event.data.detail === 'light')).toBe(true);
    expect(replayed.map((event) => event.id)).toEqual(hub.recent(task.id).map((record) => record.seq));

    const decided = await app.request(`/api/v1/approvals/${task.approvalId}/approve`, { method: 'POST', headers: { ...auth('alice'), 'content-type': 'application/json' }, body: '{}' });
    expect(decided.status).toBe(200);
    const live = await reader.take(10);
    expect(live.every((event) => event.data.detail === 'full')).toBe(true);
    const approve = live.find((event) => event.data.type === '@xstate.event' && event.data.event.type === 'APPROVE');
    expect(approve?.data.event.by).toBe('alice');
    const snapshot = live.find((event) => event.data.type === '@xstate.snapshot' && event.data.actor.parentId === null);
    expect(snapshot?.data.snapshot.context.taskId).toBe(task.id);
    await reader.close();
  });

  it('resumes after Last-Event-ID, and refuses a bad one or a missing taskId', async () => {
    const post = await app.request('/api/v1/tasks', { method: 'POST', headers: { ...auth('agent'), 'content-type': 'application/json' }, body: JSON.stringify(PROPOSALS.auto) });
    const { task } = (await post.json()) as any;
    const all = hub.recent(task.id);
    const middle = all[Math.floor(all.length / 2)]!.seq;
    const response = await app.request(`/api/v1/inspect?taskId=${task.id}`, { headers: { ...auth('viewer'), 'last-event-id': String(middle) } });
    const reader = new SseReader(response.body!);
    const events = await reader.take(all.filter((record) => record.seq > middle).length);
    expect(events[0]!.id).toBeGreaterThan(middle);
    await reader.close();
    expect((await app.request(`/api/v1/inspect?taskId=${task.id}`, { headers: { ...auth('viewer'), 'last-event-id': 'x' } })).status).toBe(400);
    expect((await app.request('/api/v1/inspect', { headers: auth('viewer') })).status).toBe(400);
    expect((await app.request(`/api/v1/inspect?taskId=${task.id}`)).status).toBe(401);
  });
});
