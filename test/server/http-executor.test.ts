import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { ExecutionRequest } from '../../src/engine/executor.ts';
import { createHttpExecutor, HttpExecutorError } from '../../src/engine/http-executor.ts';
import { createMemoryStore } from '../../src/store/memory.ts';

const request: ExecutionRequest = { taskId: 't-1', idempotencyKey: 't-1', actionType: 'vcs:push', title: 'push', args: { branch: 'main' }, agentId: 'agent-1' };

/** A scripted endpoint: answers from `script` in order (the last one repeats), records what it got. */
async function endpoint(script: { status: number; body?: string; headers?: Record<string, string> }[]) {
  const seen: { headers: IncomingMessage['headers']; body: any }[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      seen.push({ headers: req.headers, body: JSON.parse(text) });
      const answer = script[Math.min(seen.length - 1, script.length - 1)]!;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/run`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('HTTP executor', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('POSTs the action with Idempotency-Key, retries 5xx and 429 with backoff, answers the JSON body', async () => {
    const ep = await endpoint([{ status: 503 }, { status: 429, headers: { 'retry-after': '0' } }, { status: 200, body: '{"deployed":true}' }]);
    cleanups.push(ep.close);
    const sleeps: number[] = [];
    const executor = createHttpExecutor({ url: ep.url, baseDelayMs: 100, sleep: async (ms) => void sleeps.push(ms) });
    expect(executor.idempotent).toBe(true);
    expect(await executor.execute(request)).toEqual({ deployed: true });
    expect(ep.seen).toHaveLength(3);
    expect(ep.seen.every((call) => call.headers['idempotency-key'] === 't-1')).toBe(true);
    expect(ep.seen[0]?.body).toEqual(request);
    expect(sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBe(0); // Retry-After: 0
  });

  it('asks again after a 408 or a 425 (the endpoint did not take the request up), and calls it unavailable if that lasts', async () => {
    const ep = await endpoint([{ status: 408 }, { status: 425, headers: { 'retry-after': '0' } }, { status: 200, body: '{"sent":true}' }]);
    cleanups.push(ep.close);
    const noSleep = async () => {};
    expect(await createHttpExecutor({ url: ep.url, sleep: noSleep }).execute(request)).toEqual({ sent: true });
    expect(ep.seen).toHaveLength(3);
    const timingOut = await endpoint([{ status: 408 }]);
    cleanups.push(timingOut.close);
    await expect(createHttpExecutor({ url: timingOut.url, maxAttempts: 2, sleep: noSleep }).execute(request)).rejects.toMatchObject({ code: 'executor_unavailable', status: 408 });
    expect(timingOut.seen).toHaveLength(2);
  });

  it('fails at once on another 4xx, and after maxAttempts on errors that persist', async () => {
    const rejecting = await endpoint([{ status: 422, body: '{"error":"bad branch"}' }]);
    cleanups.push(rejecting.close);
    const noSleep = async () => {};
    await expect(createHttpExecutor({ url: rejecting.url, sleep: noSleep }).execute(request)).rejects.toMatchObject({ code: 'executor_rejected', status: 422 });
    expect(rejecting.seen).toHaveLength(1);
    const failing = await endpoint([{ status: 500 }]);
    cleanups.push(failing.close);
    const error = await createHttpExecutor({ url: failing.url, maxAttempts: 3, sleep: noSleep }).execute(request).catch((e) => e);
    expect(error).toBeInstanceOf(HttpExecutorError);
    // Down through every attempt: the endpoint's trouble (executor_unavailable), not a refusal of the action.
    expect(error).toMatchObject({ code: 'executor_unavailable', status: 500, attempts: 3 });
    expect(failing.seen).toHaveLength(3);
    const unreachable = await createHttpExecutor({ url: 'http://127.0.0.1:1/run', maxAttempts: 2, sleep: noSleep }).execute(request).catch((e) => e);
    expect(unreachable).toMatchObject({ code: 'executor_unreachable', attempts: 2 });
    expect(unreachable.message).toMatch(/bad port/);
    const closed = await freePortUrl();
    const refused = await createHttpExecutor({ url: closed, maxAttempts: 2, sleep: noSleep }).execute(request).catch((e) => e);
    expect(refused).toMatchObject({ code: 'executor_unreachable', attempts: 2 });
    expect(refused.message).toMatch(/ECONNREFUSED/);
  });

  it('an endpoint that took the request and never answered: the outcome is unknown, not unreachable', async () => {
    const hanging = createServer(() => undefined); // reads the request, never answers
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => { hanging.closeAllConnections(); hanging.close(() => resolve()); }));
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/run`;
    const error = await createHttpExecutor({ url, maxAttempts: 2, timeoutMs: 100, sleep: async () => {} }).execute(request).catch((e) => e);
    expect(error).toMatchObject({ code: 'execution_outcome_unknown', attempts: 2 });
    expect(error.message).toMatch(/no answer \(timed out after 100 ms\): the endpoint may have run it; 2 attempts, none answered with a result — ask the endpoint about Idempotency-Key t-1/);
  });

  it('in the engine: a cleared task completes with the answer, or fails with the executor error', async () => {
    const ok = await endpoint([{ status: 201, body: '' }]);
    const down = await endpoint([{ status: 502 }]);
    cleanups.push(ok.close, down.close);
    const store = createMemoryStore();
    const engine = createEngine({ store, executor: createHttpExecutor({ url: ok.url }) });
    const { task } = await engine.submit({ actionType: 'code:read', title: 'read', agentId: 'agent-1' });
    expect(task).toMatchObject({ state: 'completed', result: { status: 201 } });
    expect(ok.seen[0]?.headers['idempotency-key']).toBe(task.id);
    const failing = createEngine({ store, executor: createHttpExecutor({ url: down.url, maxAttempts: 2, baseDelayMs: 1 }) });
    const { task: failed } = await failing.submit({ actionType: 'code:read', title: 'read again', agentId: 'agent-1' });
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'executor_unavailable' } });
    expect(failed.error?.message).toMatch(/answered 502.*after 2 attempts/);
    await engine.close();
    await failing.close();
  });
});

describe('the HTTP executor\'s endpoint URL (found by an operator trial)', () => {
  it('refuses a URL with a user or password at once, saying where credentials go instead', () => {
    for (const url of ['http://svc:s3cret@127.0.0.1:9/run', 'https://token@ops.example/run']) {
      let thrown: unknown;
      try {
        createHttpExecutor({ url });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'validation_failed' });
      expect((thrown as Error).message).toMatch(/user or password.*header/);
    }
    for (const options of [{ url: 'ftp://ops.example/run' }, { url: 'not a url' }, { url: 'http://ops.example/run', maxAttempts: 0 }, { url: 'http://ops.example/run', timeoutMs: -1 }]) {
      expect(() => createHttpExecutor(options)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    }
  });

  it('masks what it sent in an answer that echoes it, and keeps no answer that holds a credential (security review)', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    onTestFinished(async () => {
      for (const cleanup of cleanups) await cleanup();
    });
    const noSleep = async () => {};
    const echoing = await endpoint([{ status: 400, body: 'denied: authorization=Bearer tok-abcdefgh12, x-api-key=KeyValue99, url=/run?sig=sigvalue123&n=1' }]);
    cleanups.push(echoing.close);
    const headers = { authorization: 'Bearer tok-abcdefgh12', 'x-api-key': 'KeyValue99', 'x-short': 'n' };
    const masked = await createHttpExecutor({ url: `${echoing.url}?sig=sigvalue123&n=1`, headers, sleep: noSleep }).execute(request).catch((e) => e);
    expect(masked).toMatchObject({ code: 'executor_rejected', status: 400 });
    expect(masked.message).toMatch(/answered 400: denied: authorization=\*\*\*, x-api-key=\*\*\*, url=\/run\?sig=\*\*\*&n=1$/);
    // The token alone, without its scheme, is masked too.
    const tokenOnly = await endpoint([{ status: 503, body: 'got tok-abcdefgh12' }]);
    cleanups.push(tokenOnly.close);
    const unavailable = await createHttpExecutor({ url: tokenOnly.url, headers, maxAttempts: 1, sleep: noSleep }).execute(request).catch((e) => e);
    expect(unavailable.message).toMatch(/answered 503: got \*\*\* \(after 1 attempts\)$/);

    const leaking = await endpoint([{ status: 401, body: `{"error":"bad token","echo":{"authorization":"Bearer ghp_${'a1'.repeat(18)}"}}` }]);
    cleanups.push(leaking.close);
    const withheld = await createHttpExecutor({ url: leaking.url, sleep: noSleep }).execute(request).catch((e) => e);
    expect(withheld.message).toMatch(/answered 401: \(the answer held a credential; not kept\)$/);
    expect(withheld.message).not.toContain('ghp_');

    // A successful answer becomes the task's result, read by every token: masked the same way, JSON or not.
    const echoingOk = await endpoint([{ status: 200, body: '{"ran":true,"seen":"Bearer tok-abcdefgh12"}' }, { status: 200, body: 'ok, key KeyValue99' }]);
    cleanups.push(echoingOk.close);
    const succeeding = createHttpExecutor({ url: echoingOk.url, headers, sleep: noSleep });
    expect(await succeeding.execute(request)).toEqual({ ran: true, seen: '***' });
    expect(await succeeding.execute(request)).toEqual({ status: 200, body: 'ok, key ***' });
  });

  it('never names the query string in an error, which a task and the audit keep for good', async () => {
    const closed = await freePortUrl();
    const error = await createHttpExecutor({ url: `${closed}?token=abc123secret`, maxAttempts: 1, sleep: async () => {} })
      .execute({ taskId: 't-1', idempotencyKey: 't-1', actionType: 'code:read', args: {}, agentId: 'a', title: 't' } as never)
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'executor_unreachable' });
    expect(error.message).toContain(closed);
    expect(error.message).not.toContain('abc123secret');
  });
});

/** The URL of a port nothing listens on (it was free a moment ago). */
async function freePortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/run`;
}
