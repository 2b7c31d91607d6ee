import { afterAll, describe, expect, it } from 'vitest';
import { PROPOSALS, tokenOf } from './support/app-harness.ts';
import { ServerFiles, ServerProcess } from './support/spawn-server.ts';
import { SseReader } from './support/sse-reader.ts';

const agent = tokenOf('agent');
const alice = tokenOf('alice');
const bob = tokenOf('bob');

async function openEvents(server: ServerProcess, lastEventId?: number): Promise<SseReader> {
  const headers: Record<string, string> = { authorization: `Bearer ${tokenOf('viewer')}` };
  if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
  const response = await fetch(`${server.url}/api/v1/events`, { headers });
  expect(response.status).toBe(200);
  return new SseReader(response.body!);
}

describe('tollgate serve (the real binary over loopback)', () => {
  const files = new ServerFiles();
  afterAll(() => files.remove());

  it('keeps parked tasks, pending approvals, votes, deadlines and event ids across SIGTERM and SIGKILL restarts', async () => {
    // First life: park two tasks (one with a quorum vote already in), watch the events.
    let server = await ServerProcess.start(files);
    expect(server.stdout).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    const human = (await server.call('POST', '/api/v1/tasks', { token: agent, body: { ...PROPOSALS.human, ttlSeconds: 3_600 } })).body.task;
    const critical = (await server.call('POST', '/api/v1/tasks', { token: agent, body: PROPOSALS.critical })).body.task;
    await server.call('POST', `/api/v1/approvals/${critical.approvalId}/approve`, { token: alice, body: { comment: 'first vote' } });
    const approvalsBefore = await Promise.all([human, critical].map(async (t) => (await server.call('GET', `/api/v1/approvals/${t.approvalId}`, { token: alice })).body));
    const stream = await openEvents(server, 0);
    const seen = await stream.take(9);
    expect(seen.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen.at(-1)?.event).toBe('approval.vote');
    // A long-poll in flight during shutdown is answered, not cut: 503 shutting_down (wait again on
    // the next server), never the parked task as if the wait had timed out.
    const waiting = server.call('GET', `/api/v1/tasks/${human.id}/wait?timeoutMs=30000`, { token: agent });
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await waiting).toMatchObject({ status: 503, body: { code: 'shutting_down' } });
    await expect(stream.take(1, 2_000)).rejects.toThrow(/ended/);

    // Second life, after SIGTERM: everything is where it was.
    server = await ServerProcess.start(files);
    for (const [task, before] of [[human, approvalsBefore[0]], [critical, approvalsBefore[1]]] as const) {
      expect((await server.call('GET', `/api/v1/tasks/${task.id}`, { token: agent })).body.state).toBe('parked');
      expect((await server.call('GET', `/api/v1/approvals/${task.approvalId}`, { token: alice })).body).toEqual(before);
    }
    expect(approvalsBefore[1].approvals).toEqual([expect.objectContaining({ by: 'alice', comment: 'first vote' })]);
    // A client that saw up to id 9 reconnects: it gets what happened since, with new ids.
    const resumed = await openEvents(server, 9);
    await server.call('POST', `/api/v1/approvals/${critical.approvalId}/approve`, { token: bob, body: {} });
    const after = await resumed.take(4);
    expect(after.map((e) => [e.id, e.event])).toEqual([
      [10, 'approval.approved'],
      [11, 'task.resumed'],
      [12, 'task.executing'],
      [13, 'task.completed'],
    ]);
    await expect(resumed.take(1, 200)).rejects.toThrow(/timed out/);
    await resumed.close();

    // Third life, after SIGKILL (no shutdown at all): still everything.
    expect((await server.stop('SIGKILL')).signal).toBe('SIGKILL');
    server = await ServerProcess.start(files);
    expect((await server.call('GET', `/api/v1/tasks/${human.id}`, { token: agent })).body.state).toBe('parked');
    expect((await server.call('GET', `/api/v1/approvals/${human.approvalId}`, { token: alice })).body).toEqual(approvalsBefore[0]);
    expect((await server.call('GET', `/api/v1/tasks/${critical.id}`, { token: agent })).body.state).toBe('completed');
    const replay = await openEvents(server, 12);
    expect((await replay.take(1))[0]).toMatchObject({ id: 13, event: 'task.completed' });
    await replay.close();
    const decided = await server.call('POST', `/api/v1/approvals/${human.approvalId}/approve`, { token: bob, body: {} });
    expect(decided.body.task.state).toBe('completed');
    expect((await server.call('GET', '/api/v1/audit/verify', { token: agent })).body).toMatchObject({ ok: true });
    expect(await server.stop('SIGINT')).toEqual({ code: 0, signal: null });
  });
});
