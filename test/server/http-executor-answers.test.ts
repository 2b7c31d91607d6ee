import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionRequest } from '../../src/engine/executor.ts';
import { createHttpExecutor } from '../../src/engine/http-executor.ts';

const request: ExecutionRequest = { taskId: 't-1', idempotencyKey: 't-1', actionType: 'vcs:push', title: 'push', args: { branch: 'main' }, agentId: 'agent-1' };
const noSleep = async () => {};

/** An endpoint whose n-th call (1-based) is answered by `answer`; records method and path of every call. */
async function endpoint(answer: (res: ServerResponse, n: number, req: IncomingMessage) => void) {
  const seen: { method: string; url: string }[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '' });
      answer(res, seen.filter((call) => call.url === '/run').length, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return { url: `${base}/run`, base, seen, close };
}

describe('the HTTP executor and what its endpoint answers (found by an integrator trial)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it.each([301, 302, 307, 308])('does not follow a %i: the action was not run there, and no GET of a login page completes the task', async (status) => {
    const ep = await endpoint((res, _n, req) => {
      if (req.url === '/run') {
        res.writeHead(status, { location: '/login?next=%2Frun&session=s3cr3t' });
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>sign in</html>');
      }
    });
    cleanups.push(ep.close);
    const error = await createHttpExecutor({ url: ep.url, maxAttempts: 3, sleep: noSleep }).execute(request).catch((e) => e);
    expect(error).toMatchObject({ code: 'executor_rejected', status });
    expect(error.message).toContain(`answered ${status}`);
    expect(error.message).toContain(`${ep.base}/login`);
    expect(error.message).not.toContain('s3cr3t');
    expect(ep.seen).toEqual([{ method: 'POST', url: '/run' }]);
  });

  it('a 303 (See Other: the POST was handled, its answer is elsewhere) is an unknown outcome, not a completion by a GET', async () => {
    const ep = await endpoint((res, _n, req) => {
      res.writeHead(req.url === '/run' ? 303 : 200, req.url === '/run' ? { location: '/results/1' } : { 'content-type': 'application/json' });
      res.end(req.url === '/run' ? '' : '{"status":"queued"}');
    });
    cleanups.push(ep.close);
    const error = await createHttpExecutor({ url: ep.url, maxAttempts: 3, sleep: noSleep }).execute(request).catch((e) => e);
    expect(error).toMatchObject({ code: 'execution_outcome_unknown', status: 303 });
    expect(ep.seen).toEqual([{ method: 'POST', url: '/run' }]);
  });

  it('a 2xx whose body is cut off is no answer: asked again with the same key, never completed with an invented { status }', async () => {
    const ep = await endpoint((res, n) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (n === 1) {
        res.write('{"deployed":');
        setTimeout(() => res.destroy(), 20);
      } else {
        res.end('{"deployed":true}');
      }
    });
    cleanups.push(ep.close);
    expect(await createHttpExecutor({ url: ep.url, maxAttempts: 3, sleep: noSleep }).execute(request)).toEqual({ deployed: true });
    expect(ep.seen).toHaveLength(2);
  });

  it('a 2xx whose body never ends within the attempt\'s time: the outcome is unknown after every attempt', async () => {
    const ep = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"deployed":');
    });
    cleanups.push(ep.close);
    const error = await createHttpExecutor({ url: ep.url, maxAttempts: 2, timeoutMs: 100, sleep: noSleep }).execute(request).catch((e) => e);
    expect(error).toMatchObject({ code: 'execution_outcome_unknown', attempts: 2 });
    expect(error.message).toMatch(/answered 200 but its body/);
    expect(ep.seen).toHaveLength(2);
  });

  // The Idempotency-Key convention (IETF httpapi draft, Stripe's idempotency_key_in_use): a
  // request whose key is still being processed answers 409. Tollgate asks again with the same key
  // after an attempt timed out (the action outlasting --executor-timeout-ms) or after a crash, while
  // the first request still runs: that 409 failed the task executor_rejected — "it did not run".
  it('a 409 (this key still in progress) is asked again, and answers the result once the endpoint has it', async () => {
    const ep = await endpoint((res, n) => {
      res.writeHead(n === 1 ? 409 : 200, { 'content-type': 'application/json', ...(n === 1 ? { 'retry-after': '0' } : {}) });
      res.end(n === 1 ? '{"error":"idempotency_key_in_use"}' : '{"deployed":true}');
    });
    cleanups.push(ep.close);
    const sleeps: number[] = [];
    const executor = createHttpExecutor({ url: ep.url, maxAttempts: 3, sleep: async (ms) => void sleeps.push(ms) });
    expect(await executor.execute(request)).toEqual({ deployed: true });
    expect(ep.seen).toHaveLength(2);
    expect(sleeps).toEqual([0]);
  });

  it('a 409 through every attempt is an unknown outcome (the action may be running), never a refusal', async () => {
    const ep = await endpoint((res) => {
      res.writeHead(409, { 'content-type': 'application/json' });
      res.end('{"error":"idempotency_key_in_use"}');
    });
    cleanups.push(ep.close);
    const error = await createHttpExecutor({ url: ep.url, maxAttempts: 3, sleep: noSleep }).execute(request).catch((e) => e);
    expect(error).toMatchObject({ code: 'execution_outcome_unknown', attempts: 3 });
    expect(error.message).toContain('answered 409');
    expect(ep.seen).toHaveLength(3);
  });

  // An endpoint that answered a whole artifact (400 MiB here) took the gate's memory with it:
  // the answer was read whole (1.3 GB resident), and one past V8's string limit would crash it.
  it.each([
    ['streamed', false],
    ['announced by content-length', true],
  ])('a 2xx answer over 1 MiB (%s) is not read whole: the task fails executor_result_invalid, not asked again', async (_how, announced) => {
    const chunk = Buffer.alloc(64 * 1024, 97);
    const ep = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'application/json', ...(announced ? { 'content-length': String(chunk.length * 48) } : {}) });
      let sent = 0;
      const pump = () => {
        while (sent < 48) {
          sent += 1;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    cleanups.push(ep.close);
    const error = await createHttpExecutor({ url: ep.url, maxAttempts: 3, sleep: noSleep }).execute(request).catch((e) => e);
    expect(error).toMatchObject({ code: 'executor_result_invalid', status: 200 });
    expect(error.message).toMatch(/over 1048576 bytes/);
    expect(ep.seen).toHaveLength(1);
  });

  // The endpoint created a resource and answered its 64-bit id: the task's result said another id
  // (1234567890123456800), and an agent following up on it would act on the wrong resource.
  it('an answer with an integer beyond 2^53 − 1 is kept as its exact text, never rounded', async () => {
    const answer = '{"created":{"id":1234567890123456789,"n":2}}';
    const ep = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer);
    });
    cleanups.push(ep.close);
    expect(await createHttpExecutor({ url: ep.url, sleep: noSleep }).execute(request)).toEqual({ status: 200, body: answer });
  });
});
