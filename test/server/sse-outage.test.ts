import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { EventFeed } from '../../src/server/event-feed.ts';
import { sseResponse } from '../../src/server/sse.ts';
import { connectionRefused } from '../support/outage-store.ts';

// Found by a new-user trial on PostgreSQL: terminating the workers' connections
// (pg_terminate_backend) ended the event streams that were reading the journal, each logged at
// error with a stack trace — an outage, which the README logs at warn with its reason and no
// stack (500 internal and error lines stay for bugs). The client reconnects with Last-Event-ID.

/** A feed whose next read of the store fails as `error` does. */
function failingFeed(error: Error): EventFeed {
  return { cursor: 7, next: () => Promise.reject(error), close: () => undefined } as unknown as EventFeed;
}

async function streamWith(error: Error): Promise<{ text: string; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const response = sseResponse(failingFeed(error), { heartbeatMs: 1_000, signal: new AbortController().signal, logger });
  return { text: await response.text(), lines };
}

describe('an event stream whose store read fails', () => {
  it('ends (the client reconnects) with one warn line, its reason and no stack, when the store is away', async () => {
    const { text, lines } = await streamWith(connectionRefused());
    expect(text).toContain('tollgate events after id 7');
    expect(lines).toEqual([expect.objectContaining({ level: 40, code: 'ECONNREFUSED' })]);
    expect(JSON.stringify(lines)).not.toMatch(/"stack"/);
  });

  it('still logs a bug at error, with its stack', async () => {
    const { lines } = await streamWith(new TypeError('x is not a function'));
    expect(lines).toEqual([expect.objectContaining({ level: 50, err: expect.objectContaining({ stack: expect.any(String) }) })]);
  });
});
