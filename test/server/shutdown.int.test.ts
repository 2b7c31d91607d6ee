import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Deferred, deferred } from '../../src/engine/deferred.ts';
import { createEngine } from '../../src/engine/engine.ts';
import type { ExecutionRequest } from '../../src/engine/executor.ts';
import { createLogger } from '../../src/engine/logger.ts';
import { type RunningServer, startServer } from '../../src/server/server.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import type { Store } from '../../src/store/store.ts';
import { GRANTS, PROPOSALS, tokenOf } from './support/app-harness.ts';

/** Longer than any test here waits: a shutdown that takes the grace has kept a connection open. */
const GRACE_MS = 20_000;

/** An answer read over a real socket. */
interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** One request through an agent (keep-alive agents reuse their socket). */
function call(agent: Agent, url: string, method: string, path: string, body?: unknown): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method,
        agent,
        headers: { authorization: `Bearer ${tokenOf('agent')}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text && res.headers['content-type']?.includes('json') ? JSON.parse(text) : text }));
      },
    );
    req.on('error', reject);
    req.end(body !== undefined ? JSON.stringify(body) : undefined);
  });
}

/** A keep-alive agent with one socket, and a promise of that socket's close. */
function keepAliveClient(): { agent: Agent; socketClosed: Promise<void> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const closed = deferred<void>();
  const create = agent.createConnection.bind(agent) as (...args: unknown[]) => Socket;
  Object.assign(agent, {
    createConnection: (...args: unknown[]) => {
      const socket = create(...args);
      socket.once('close', () => closed.resolve());
      return socket;
    },
  });
  return { agent, socketClosed: closed.promise };
}

/** Everything a raw socket receives until the server closes it. */
function readToEnd(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))]);
}

describe('graceful shutdown under keep-alive load (startServer on loopback)', () => {
  let server: RunningServer | undefined;
  let store: Store;
  /** A proposal with `args.slow` executes until this is resolved (an action in flight at shutdown). */
  let release: Deferred<void>;
  let executing: Deferred<void>;
  const agents: Agent[] = [];

  async function start(): Promise<RunningServer> {
    store = createMemoryStore();
    release = deferred<void>();
    executing = deferred<void>();
    const executor = {
      idempotent: true,
      execute: async (input: ExecutionRequest) => {
        if (input.args.slow === true) {
          executing.resolve();
          await release.promise;
        }
        return { ran: input.taskId };
      },
    };
    const engine = createEngine({ store, executor });
    server = await startServer({ engine, tokens: GRANTS, logger: createLogger('silent'), port: 0, sweepIntervalMs: 60_000, shutdownGraceMs: GRACE_MS });
    return server;
  }
  afterEach(async () => {
    release.resolve();
    await server?.close();
    server = undefined;
    for (const agent of agents.splice(0)) agent.destroy();
  });

  it('lets a request in flight finish with Connection: close, closes idle keep-alive connections at once, and is done as soon as the last answer is out', async () => {
    const running = await start();
    const busy = keepAliveClient();
    const idle = keepAliveClient();
    agents.push(busy.agent, idle.agent);
    expect((await call(busy.agent, running.url, 'POST', '/api/v1/tasks', PROPOSALS.auto)).headers.connection).toBe('keep-alive');
    expect((await call(idle.agent, running.url, 'GET', '/healthz')).headers.connection).toBe('keep-alive');

    // A proposal whose execution is slow is in flight on the busy connection when shutdown begins.
    const inFlight = call(busy.agent, running.url, 'POST', '/api/v1/tasks', { ...PROPOSALS.auto, title: 'slow', args: { slow: true } });
    await executing.promise;
    const closed = running.close();
    await within(idle.socketClosed, 2_000, 'the idle keep-alive connection closed');

    release.resolve();
    const answer = await inFlight;
    expect(answer.status).toBe(201);
    expect(answer.body.task.state).toBe('completed');
    // Without it the client would send its next request on this connection.
    expect(answer.headers.connection).toBe('close');
    await within(busy.socketClosed, 2_000, 'the busy connection closed after its answer');
    await within(closed, 5_000, 'shutdown done');
  });

  it('answers a request that arrives on an open connection after shutdown began 503 shutting_down, Retry-After, Connection: close, and never runs it', async () => {
    const running = await start();
    const { port } = running;
    // A connection whose request is on its way at shutdown: the headers started (so the
    // connection is not idle), the rest arrives after.
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const received = readToEnd(socket);
    const body = JSON.stringify({ ...PROPOSALS.auto, title: 'late proposal' });
    socket.write('POST /api/v1/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // Keep the server busy with a request in flight too, as under load.
    const busy = keepAliveClient();
    agents.push(busy.agent);
    const inFlight = call(busy.agent, running.url, 'POST', '/api/v1/tasks', { ...PROPOSALS.auto, title: 'slow', args: { slow: true } });
    await executing.promise;
    const tasksAtShutdown = (await store.listTasks({ limit: 100 })).items.length;

    const closed = running.close();
    socket.write(`Authorization: Bearer ${tokenOf('agent')}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const raw = await within(received, 2_000, 'the late request answered and its connection closed');
    const [head = '', text = ''] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 503 /);
    expect(head).toMatch(/\r\nconnection: close\r\n/i);
    expect(head).toMatch(/\r\nretry-after: 5\r\n/i);
    expect(head).toMatch(/\r\ncontent-type: application\/problem\+json\r\n/i);
    expect(JSON.parse(text)).toMatchObject({ status: 503, code: 'shutting_down', type: 'urn:tollgate:problem:shutting_down' });

    release.resolve();
    expect((await inFlight).status).toBe(201);
    await within(closed, 5_000, 'shutdown done');
    const titles = (await store.listTasks({ limit: 100 }).catch(() => ({ items: [] as { title: string }[] }))).items.map((task) => task.title);
    expect(titles).not.toContain('late proposal');
    expect(tasksAtShutdown).toBeGreaterThan(0);
  });

  it('answers a long-poll open at shutdown 503 shutting_down (not the parked task, as if it timed out), and ends event streams', async () => {
    const running = await start();
    const client = keepAliveClient();
    agents.push(client.agent);
    const parked = (await call(client.agent, running.url, 'POST', '/api/v1/tasks', PROPOSALS.human)).body.task;
    expect(parked.state).toBe('parked');
    const waiting = call(client.agent, running.url, 'GET', `/api/v1/tasks/${parked.id}/wait?timeoutMs=60000`);
    const streamAgent = keepAliveClient();
    agents.push(streamAgent.agent);
    const stream = call(streamAgent.agent, running.url, 'GET', '/api/v1/events');
    await new Promise((resolve) => setTimeout(resolve, 100));

    const closed = running.close();
    const answer = await within(waiting, 2_000, 'the long-poll answered');
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ code: 'shutting_down', status: 503 });
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.headers.connection).toBe('close');
    expect((await within(stream, 2_000, 'the event stream ended')).status).toBe(200);
    // The stream's connection is closed once the stream ends, not left for the grace.
    await within(streamAgent.socketClosed, 2_000, 'the event stream connection closed');
    await within(closed, 5_000, 'shutdown done');
  });
});

describe('shutdown against a store that does not answer', () => {
  it('gives up on the store after shutdownGraceMs and rejects store_unavailable, instead of waiting as long as the store does', async () => {
    const store = createMemoryStore();
    // A store gone silent: its close (which writes what is pending) never comes back.
    const silent = new Proxy(store, {
      get(target, property) {
        if (property === 'close') return () => new Promise<void>(() => undefined);
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const engine = createEngine({ store: silent });
    const running = await startServer({ engine, tokens: GRANTS, logger: createLogger('silent'), port: 0, sweepIntervalMs: 60_000, shutdownGraceMs: 200 });
    const started = Date.now();
    const error = await running.close().then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).toMatchObject({ code: 'store_unavailable' });
    expect((error as Error).message).toContain('did not close within 200 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
    await store.close();
  });
});
