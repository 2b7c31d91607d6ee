import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppHarness, PROPOSALS, problemCode, tokenOf, type Who } from './support/app-harness.ts';
import { SseReader } from './support/sse-reader.ts';
import { storeDigest } from './support/store-digest.ts';

// What one token can make the server do: event streams per principal, proposals per second per
// principal (charged by body size), one audit verification at a time. Time is the harness's
// simulated clock: nothing here sleeps to refill a bucket or end a rest.
describe('limits per principal and per server (429 too_many_requests with Retry-After)', () => {
  let h: AppHarness;
  const readers: SseReader[] = [];
  afterEach(async () => {
    for (const reader of readers.splice(0)) await reader.close();
    await h.close();
  });

  async function openStream(who: Who, path = '/api/v1/events'): Promise<Response> {
    const response = await h.app.request(path, { headers: { authorization: `Bearer ${tokenOf(who)}` } });
    if (response.status === 200) readers.push(new SseReader(response.body!));
    return response;
  }

  async function expectTooMany(response: Response | Promise<Response>, retryAfter?: string): Promise<any> {
    const answer = await response;
    const text = await answer.text();
    const problem = { status: answer.status, headers: answer.headers, body: JSON.parse(text), text };
    expect([answer.status, problemCode(problem)]).toEqual([429, 'too_many_requests']);
    expect(problem.body).toMatchObject({ type: 'urn:tollgate:problem:too_many_requests', title: 'Too Many Requests', status: 429 });
    expect(answer.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    if (retryAfter !== undefined) expect(answer.headers.get('retry-after')).toBe(retryAfter);
    return problem.body;
  }

  describe('event streams', () => {
    it('refuses the 17th stream of a principal (default cap 16), not another principal’s; closing one lets a new one in', async () => {
      h = new AppHarness();
      for (let i = 0; i < 16; i++) expect((await openStream('viewer')).status).toBe(200);
      const refused = await expectTooMany(openStream('viewer'), '5');
      expect(refused.detail).toMatch(/viewer has 16 event streams open/);
      // The inspector's streams share the slots; another principal has its own.
      await expectTooMany(openStream('viewer', '/api/v1/inspect?taskId=t-1'));
      expect((await openStream('alice')).status).toBe(200);
      // HEAD opens nothing, and a bad Last-Event-ID is still a 400 first.
      expect((await h.call('HEAD', '/api/v1/events', { as: 'viewer' })).status).toBe(200);
      expect((await h.call('GET', '/api/v1/events', { as: 'viewer', headers: { 'last-event-id': 'x' } })).status).toBe(400);

      await readers[0]!.close();
      expect((await openStream('viewer')).status).toBe(200);
      await expectTooMany(openStream('viewer'));
      await readers[1]!.close();
      expect((await openStream('viewer', '/api/v1/inspect?taskId=t-1')).status).toBe(200);
      await expectTooMany(openStream('viewer'));
    });

    it('a stream that ends at shutdown or fails to open gives its slot back', async () => {
      h = new AppHarness({ limits: { maxStreamsPerPrincipal: 1 } });
      const stream = await openStream('viewer');
      expect(stream.status).toBe(200);
      await expectTooMany(openStream('viewer'));
      const reader = readers.pop()!;
      await reader.waitForComment(/tollgate events/);
      const lastEventId = vi.spyOn(h.engine.store, 'lastEventId').mockRejectedValueOnce(new Error('the store is gone'));
      await reader.close();
      expect((await openStream('viewer')).status).toBe(500);
      lastEventId.mockRestore();
      const again = await openStream('viewer');
      expect(again.status).toBe(200);
      h.shutdown.abort();
      await expect(readers.at(-1)!.take(1, 2_000)).rejects.toThrow(/ended/);
      const metrics = await h.call('GET', '/metrics', { as: null });
      expect(metrics.text).toMatch(/^tollgate_sse_clients 0$/m);
    });
  });

  describe('proposals (POST /api/v1/tasks)', () => {
    it('refuses an agent past its burst until its bucket refills; other agents are unaffected; a refusal changes nothing', async () => {
      h = new AppHarness({ limits: { proposalsPerSecond: 10, proposalBurst: 3 } });
      for (let i = 0; i < 3; i++) await h.submit({ ...PROPOSALS.auto, title: `read ${i}` });
      const before = await storeDigest(h.store);
      const refused = await expectTooMany(h.app.request('/api/v1/tasks', {
        method: 'POST',
        headers: { authorization: `Bearer ${tokenOf('agent')}`, 'content-type': 'application/json' },
        body: JSON.stringify(PROPOSALS.human),
      }), '1');
      expect(refused.detail).toMatch(/agent-1 proposes faster than this server allows/);
      expect(await storeDigest(h.store)).toBe(before);
      expect((await h.call('POST', '/api/v1/tasks', { as: 'agent2', body: PROPOSALS.auto })).status).toBe(201);
      h.clock.advance(100);
      expect((await h.call('POST', '/api/v1/tasks', { body: PROPOSALS.human })).status).toBe(201);
      expect((await h.call('POST', '/api/v1/tasks', { body: PROPOSALS.human })).status).toBe(429);
    });

    it('an empty bucket refuses before the body is read; an invalid body costs what a valid one of its size does', async () => {
      h = new AppHarness({ limits: { proposalsPerSecond: 1, proposalBurst: 4 } });
      // Invalid bodies are charged once read, before they are parsed: a flood of them is limited
      // like any other (they cost the server reading and parsing, and cost the sender nothing before).
      for (let i = 0; i < 2; i++) {
        const invalid = await h.call('POST', '/api/v1/tasks', { body: { ...PROPOSALS.auto, actionType: 'Not An Action' } });
        expect(invalid.status).toBe(400);
      }
      expect((await h.call('POST', '/api/v1/tasks', { raw: '{"actionType":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
      await h.submit(PROPOSALS.auto);
      // Out of tokens: even a body that is not JSON is refused 429, unread.
      const unread = await h.call('POST', '/api/v1/tasks', { raw: '{"actionType":', headers: { 'content-type': 'application/json' } });
      expect([unread.status, problemCode(unread), unread.headers.get('retry-after')]).toEqual([429, 'too_many_requests', '1']);
      // The role check still comes first.
      expect((await h.call('POST', '/api/v1/tasks', { as: 'viewer', body: PROPOSALS.auto })).status).toBe(403);
    });

    it('a body found too large as it streams in is charged what was read of it (413 declared up front costs nothing)', async () => {
      h = new AppHarness({ limits: { proposalsPerSecond: 1, proposalBurst: 300 } });
      const declared = await h.call('POST', '/api/v1/tasks', { raw: '{}', headers: { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) } });
      expect(declared.status).toBe(413);
      await h.submit(PROPOSALS.auto);
      // No content-length: 1 MiB is read before the server knows it is too much, and that is paid for (256 tokens).
      const streamed = await h.call('POST', '/api/v1/tasks', { raw: `{"title":"${'a'.repeat(1024 * 1024)}"}`, headers: { 'content-type': 'application/json' } });
      expect(streamed.status).toBe(413);
      const big = { ...PROPOSALS.auto, args: { content: 'a'.repeat(200 * 4_096) } }; // 201 tokens: more than is left
      expect((await h.call('POST', '/api/v1/tasks', { body: big })).status).toBe(429);
    });

    it('charges one token per started 4 KiB of body, so big proposals are limited harder', async () => {
      h = new AppHarness({ limits: { proposalsPerSecond: 4, proposalBurst: 10 } });
      const big = { ...PROPOSALS.auto, args: { content: 'a'.repeat(6 * 4_096) } }; // 7 tokens
      await h.submit(big);
      const refused = await expectTooMany(h.call('POST', '/api/v1/tasks', { body: big }).then(toResponse), '1');
      expect(refused.detail).toMatch(/costs 7 tokens/);
      // Three small ones still fit in what is left.
      for (let i = 0; i < 3; i++) await h.submit({ ...PROPOSALS.auto, title: `small ${i}` });
      const small = await h.call('POST', '/api/v1/tasks', { body: PROPOSALS.auto });
      expect(small.status).toBe(429);
      h.clock.advance(1_750);
      await h.submit(big);
    });

    it('an idempotent replay costs like any proposal (the server knows it is one only after the charge)', async () => {
      h = new AppHarness({ limits: { proposalsPerSecond: 1, proposalBurst: 2 } });
      const first = await h.call('POST', '/api/v1/tasks', { body: { ...PROPOSALS.human, idempotencyKey: 'k-1' } });
      const replay = await h.call('POST', '/api/v1/tasks', { body: { ...PROPOSALS.human, idempotencyKey: 'k-1' } });
      expect([first.status, replay.status, replay.body.task.id]).toEqual([201, 200, first.body.task.id]);
      expect((await h.call('POST', '/api/v1/tasks', { body: { ...PROPOSALS.human, idempotencyKey: 'k-1' } })).status).toBe(429);
    });

    it('proposalsPerSecond 0: no limit', async () => {
      h = new AppHarness({ limits: { proposalsPerSecond: 0, proposalBurst: 1 } });
      for (let i = 0; i < 5; i++) await h.submit({ ...PROPOSALS.auto, title: `read ${i}` });
    });
  });

  describe('audit verification', () => {
    it('runs one at a time per server, then rests as long as it took', async () => {
      h = new AppHarness();
      await h.submit(PROPOSALS.auto);
      const real = h.engine.store.verifyAudit.bind(h.engine.store);
      let finish: () => void = () => undefined;
      const verify = vi.spyOn(h.engine.store, 'verifyAudit').mockImplementationOnce(async (anchors) => {
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        return real(anchors);
      });
      const first = h.call('GET', '/api/v1/audit/verify');
      await vi.waitFor(() => expect(verify).toHaveBeenCalledTimes(1));
      h.clock.advance(4_000);
      // Another principal, a second request: refused while it runs (about as long again, then the rest).
      const during = await expectTooMany(h.app.request('/api/v1/audit/verify', { headers: { authorization: `Bearer ${tokenOf('alice')}` } }), '4');
      expect(during.detail).toMatch(/one runs at a time/);
      finish();
      const answer = await first;
      expect([answer.status, answer.body.ok]).toEqual([200, true]);
      await expectTooMany(h.app.request('/api/v1/audit/verify', { headers: { authorization: `Bearer ${tokenOf('viewer')}` } }), '4');
      h.clock.advance(3_500);
      await expectTooMany(h.app.request('/api/v1/audit/verify', { headers: { authorization: `Bearer ${tokenOf('viewer')}` } }), '1');
      h.clock.advance(500);
      expect((await h.call('GET', '/api/v1/audit/verify')).body.ok).toBe(true);
      // One that took no (simulated) time leaves no rest; a bad anchor is a 400 and takes no turn.
      expect((await h.call('GET', '/api/v1/audit/verify?anchor=1:nothex')).status).toBe(400);
      expect((await h.call('GET', '/api/v1/audit/verify')).status).toBe(200);
    });

    it('a verification that fails still ends its turn', async () => {
      h = new AppHarness();
      vi.spyOn(h.engine.store, 'verifyAudit').mockRejectedValueOnce(new Error('disk on fire'));
      expect((await h.call('GET', '/api/v1/audit/verify')).status).toBe(500);
      const answer = await h.call('GET', '/api/v1/audit/verify');
      expect([answer.status, answer.body.ok]).toEqual([200, true]);
    });
  });
});

/** An Answer back into a Response, for `expectTooMany`. */
function toResponse(answer: { status: number; headers: Headers; text: string }): Response {
  return new Response(answer.text, { status: answer.status, headers: answer.headers });
}
