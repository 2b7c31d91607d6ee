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
