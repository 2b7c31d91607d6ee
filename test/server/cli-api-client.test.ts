import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../../src/cli/http-client.ts';

/** A fetch that answers from a script, recording each request. */
function scripted(answers: Array<{ status: number; body: unknown; retryAfter?: string }>) {
  const seen: string[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    seen.push(`${init.method} ${url}`);
    const next = answers.shift() ?? { status: 500, body: { code: 'internal', detail: 'script ran out' } };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (next.retryAfter !== undefined) headers['retry-after'] = next.retryAfter;
    return new Response(JSON.stringify(next.body), { status: next.status, headers });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, seen };
}

const shuttingDown = { status: 503, body: { code: 'shutting_down', detail: 'the server is shutting down' }, retryAfter: '5' };
const Answer = z.object({ ok: z.boolean() });

describe('the CLI\'s API client', () => {
  it('tries a GET again after a 503, waiting what Retry-After asks (a restart outlived)', async () => {
    const { fetch, seen } = scripted([shuttingDown, { status: 503, body: { code: 'store_unavailable', detail: 'away' } }, { status: 200, body: { ok: true } }]);
    const waits: number[] = [];
    const client = new ApiClient({ url: 'http://gate', token: 't', fetch, sleep: async (ms) => void waits.push(ms) });
    await expect(client.get('/api/v1/tasks/x/wait', Answer)).resolves.toEqual({ ok: true });
    expect(seen).toHaveLength(3);
    expect(waits).toEqual([5_000, 1_000]);
  });

  it('honours a Retry-After given as an HTTP date, capped at 10 s like any other', async () => {
    const inSeconds = (s: number) => new Date(Math.ceil(Date.now() / 1000) * 1000 + s * 1000).toUTCString();
    const { fetch } = scripted([{ ...shuttingDown, retryAfter: inSeconds(3) }, { ...shuttingDown, retryAfter: inSeconds(3600) }, { status: 200, body: { ok: true } }]);
    const waits: number[] = [];
    const client = new ApiClient({ url: 'http://gate', token: 't', fetch, sleep: async (ms) => void waits.push(ms) });
    await expect(client.get('/api/v1/tasks', Answer)).resolves.toEqual({ ok: true });
    expect(waits[0]).toBeGreaterThan(1_000);
    expect(waits[0]).toBeLessThanOrEqual(4_000);
    expect(waits[1]).toBe(10_000);
  });

  it('gives up after a few tries, with the server\'s code and its Retry-After', async () => {
    const { fetch, seen } = scripted([shuttingDown, shuttingDown, shuttingDown, { ...shuttingDown, retryAfter: '600' }]);
    const waits: number[] = [];
    const client = new ApiClient({ url: 'http://gate', token: 't', fetch, sleep: async (ms) => void waits.push(ms) });
    const error = await client.get('/api/v1/tasks', Answer).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, problemCode: 'shutting_down', retryAfterMs: 600_000 });
    expect(seen).toHaveLength(4);
    expect(waits).toEqual([5_000, 5_000, 5_000]);
  });

  it('tries a GET again when its answer was cut off (server_no_answer), and says a POST cut off may have been done', async () => {
    const cut = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    let calls = 0;
    const fetch = (async () => {
      calls += 1;
      if (calls === 1) throw cut;
      return new Response(JSON.stringify({ ok: true }), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof globalThis.fetch;
    const waits: number[] = [];
    await expect(new ApiClient({ url: 'http://gate', token: 't', fetch, sleep: async (ms) => void waits.push(ms) }).get('/api/v1/tasks', Answer)).resolves.toEqual({ ok: true });
    expect([calls, waits]).toEqual([2, [1_000]]);
    const once = (async () => {
      throw cut;
    }) as unknown as typeof globalThis.fetch;
    await expect(new ApiClient({ url: 'http://gate', token: 't', fetch: once, sleep: async () => {} }).post('/api/v1/tasks', {}, Answer)).rejects.toMatchObject({
      code: 'server_no_answer',
      message: expect.stringContaining('it may have been done'),
    });
    const refused = (async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    }) as unknown as typeof globalThis.fetch;
    await expect(new ApiClient({ url: 'http://gate', token: 't', fetch: refused, sleep: async () => {} }).post('/api/v1/tasks', {}, Answer)).rejects.toMatchObject({ code: 'server_unreachable' });
  });

  it('never repeats a POST, nor a GET refused for another reason', async () => {
    const post = scripted([shuttingDown, { status: 200, body: { ok: true } }]);
    const client = new ApiClient({ url: 'http://gate', token: 't', fetch: post.fetch, sleep: async () => {} });
    await expect(client.post('/api/v1/tasks', {}, Answer)).rejects.toMatchObject({ status: 503 });
    expect(post.seen).toHaveLength(1);
    const notFound = scripted([{ status: 404, body: { code: 'not_found', detail: 'no such task' } }]);
    await expect(new ApiClient({ url: 'http://gate', token: 't', fetch: notFound.fetch, sleep: async () => {} }).get('/api/v1/tasks/x', Answer)).rejects.toMatchObject({ status: 404 });
    expect(notFound.seen).toHaveLength(1);
  });
});
