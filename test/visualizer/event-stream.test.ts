import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type StreamStatus, followEventStream } from '../../visualizer/src/api/event-stream.ts';

// The visualizer's stream follower against a real SSE endpoint (node:http, global fetch).

let server: Server | undefined;
afterEach(
  () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

/** An SSE endpoint that sends one event and keeps the stream open. */
async function sseServer(): Promise<string> {
  server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('id: 1\ndata: {"n":1}\n\n');
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
}

describe('followEventStream', () => {
  it('reports nothing after close, so a stream opened in its place keeps the connection indicator', async () => {
    const url = await sseServer();
    const first: StreamStatus[] = [];
    const second: StreamStatus[] = [];
    let received = 0;
    const old = followEventStream({ url, token: () => 'token', onMessage: () => {
        received += 1;
      }, onStatus: (status) => first.push(status) });
    await expect.poll(() => first.at(-1)).toBe('live');
    await expect.poll(() => received).toBe(1);
    // Sign out and in again: the old stream is closed as the new one starts.
    old.close();
    const replacement = followEventStream({ url, token: () => 'token', onMessage: () => undefined, onStatus: (status) => second.push(status) });
    await expect.poll(() => second.at(-1)).toBe('live');
    // Give the closed stream's aborted read time to unwind: it must stay silent.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(first).toEqual(['connecting', 'live']);
    expect(second).toEqual(['connecting', 'live']);
    replacement.close();
  });
});

describe('followEventStream in a hidden page', () => {
  it('lets its connection go while the page is hidden and resumes after the last event once shown (found by a new-user trial: with three tabs inspecting, a fourth could not even load the page — a browser holds six connections to a server)', async () => {
    const open = new Set<unknown>();
    const lastIds: (string | null)[] = [];
    server = createServer((request, response) => {
      open.add(request);
      request.on('close', () => open.delete(request));
      lastIds.push((request.headers['last-event-id'] as string | undefined) ?? null);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`id: ${lastIds.length}\ndata: {}\n\n`);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
    let hidden = false;
    const listeners = new Set<() => void>();
    const visibility = {
      hidden: () => hidden,
      onChange: (listener: () => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const setHidden = (value: boolean) => {
      hidden = value;
      for (const listener of [...listeners]) listener();
    };
    const statuses: StreamStatus[] = [];
    let received = 0;
    const stream = followEventStream({ url, token: () => 'token', onMessage: () => {
        received += 1;
      }, onStatus: (status) => statuses.push(status), visibility });
    await expect.poll(() => received).toBe(1);
    expect(open.size).toBe(1);
    setHidden(true);
    await expect.poll(() => open.size).toBe(0);
    // Hidden is not down: no retries meanwhile, and no reconnection until shown.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect([open.size, lastIds.length, statuses.includes('retrying')]).toEqual([0, 1, false]);
    setHidden(false);
    await expect.poll(() => received).toBe(2);
    expect(lastIds).toEqual([null, '1']);
    // A pause is not a reconnection: nothing says `connecting`, so the page reloads nothing
    // (the events missed meanwhile are replayed instead).
    expect(statuses).toEqual(['connecting', 'live', 'live']);
    stream.close();
  });

  it('does not connect while the page opens hidden (a tab opened in the background)', async () => {
    const url = await sseServer();
    let received = 0;
    const listeners = new Set<() => void>();
    let hidden = true;
    const stream = followEventStream({
      url,
      token: () => 'token',
      onMessage: () => {
        received += 1;
      },
      visibility: {
        hidden: () => hidden,
        onChange: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toBe(0);
    hidden = false;
    for (const listener of listeners) listener();
    await expect.poll(() => received).toBe(1);
    stream.close();
  });
});

describe('followEventStream resuming with no event yet', () => {
  it('says connecting again when it has no event id to resume after, so the page reloads what it shows (a stream starting now would miss what happened while hidden)', async () => {
    const lastIds: (string | null)[] = [];
    server = createServer((request, response) => {
      lastIds.push((request.headers['last-event-id'] as string | undefined) ?? null);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(': quiet\n\n');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
    let hidden = false;
    const listeners = new Set<() => void>();
    const setHidden = (value: boolean) => {
      hidden = value;
      for (const listener of [...listeners]) listener();
    };
    const statuses: StreamStatus[] = [];
    const stream = followEventStream({
      url,
      token: () => 'token',
      onMessage: () => undefined,
      onStatus: (status) => statuses.push(status),
      visibility: {
        hidden: () => hidden,
        onChange: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
    });
    await expect.poll(() => statuses.at(-1)).toBe('live');
    setHidden(true);
    await expect.poll(() => statuses.at(-1)).toBe('connecting');
    setHidden(false);
    await expect.poll(() => lastIds.length).toBe(2);
    await expect.poll(() => statuses.at(-1)).toBe('live');
    expect(lastIds).toEqual([null, null]);
    stream.close();
  });
});

describe('followEventStream refused for now (429)', () => {
  it('reports the server’s problem with its retry, and waits Retry-After before trying again (found by a new-user trial: too many streams read as a server not answering)', async () => {
    const at: number[] = [];
    server = createServer((_request, response) => {
      at.push(Date.now());
      if (at.length === 1) {
        response.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': '1' });
        response.end(JSON.stringify({ code: 'too_many_requests', detail: 'alice has 16 event streams open, the most one principal may; close one first' }));
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('id: 1\ndata: {}\n\n');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
    const reports: { status: StreamStatus; detail: unknown }[] = [];
    const stream = followEventStream({ url, token: () => 'token', onMessage: () => undefined, onStatus: (status, detail) => reports.push({ status, detail }) });
    await expect.poll(() => reports.at(-1)?.status, { timeout: 5_000 }).toBe('live');
    const retrying = reports.find((report) => report.status === 'retrying');
    expect(retrying?.detail).toMatchObject({ status: 429, code: 'too_many_requests', detail: expect.stringContaining('16 event streams') });
    // Retry-After: 1 (the plain backoff would have tried again after 0.5 s).
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950);
    stream.close();
  });
});
