import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:net';
import { deferred } from '../../src/engine/deferred.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { createLogger } from '../../src/engine/logger.ts';
import { type RunningServer, startServer } from '../../src/server/server.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { GRANTS, PROPOSALS, tokenOf } from './support/app-harness.ts';
import { tollgate } from './support/run-main.ts';

describe('tollgate tasks / approvals against a server on loopback', () => {
  let server: RunningServer;
  const as = (who: 'agent' | 'alice' | 'bob' | 'carol' | 'viewer') => ['--url', server.url, '--token', tokenOf(who)];
  /** Alice's vote over HTTP, while a CLI command runs in this process. */
  const approveOverHttp = (approvalId: string) =>
    fetch(`${server.url}/api/v1/approvals/${approvalId}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('alice')}`, 'content-type': 'application/json' },
      body: '{}',
    });
  beforeAll(async () => {
    const engine = createEngine({ store: createMemoryStore() });
    server = await startServer({ engine, tokens: GRANTS, logger: createLogger('silent'), port: 0, sweepIntervalMs: 60_000 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists and shows tasks as tables or JSON', async () => {
    const agent = await tollgate('tasks', 'ls', ...as('agent'));
    expect(agent.code).toBe(0);
    const submitted = await fetch(`${server.url}/api/v1/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('agent')}`, 'content-type': 'application/json' },
      body: JSON.stringify(PROPOSALS.human),
    });
    const { task } = (await submitted.json()) as { task: { id: string; approvalId: string } };
    const table = await tollgate('tasks', 'ls', '--state', 'parked', ...as('viewer'));
    expect(table.out.split('\n')[0]).toMatch(/^id\s+state\s+action\s+risk\s+agent\s+title\s+created$/);
    expect(table.out).toContain(`${task.id}  parked`);
    const json = JSON.parse((await tollgate('tasks', 'ls', '--json', ...as('viewer'))).out);
    expect(json.items[0].id).toBe(task.id);
    const shown = await tollgate('tasks', 'show', task.id, ...as('viewer'));
    expect(shown.out).toMatch(/state:\s+parked/);
    expect(shown.out).toMatch(/proposed\s+evaluating/);
    expect(JSON.parse((await tollgate('tasks', 'show', task.id, '--json', ...as('viewer'))).out).approvalId).toBe(task.approvalId);
  });

  it('tasks wait: exit 0 with the task once decided, exit 3 when it is still parked at the timeout', async () => {
    const response = await fetch(`${server.url}/api/v1/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('agent')}`, 'content-type': 'application/json' },
      body: JSON.stringify(PROPOSALS.human),
    });
    const { task } = (await response.json()) as { task: { id: string; approvalId: string } };
    const timedOut = await tollgate('tasks', 'wait', task.id, '--timeout-ms', '50', ...as('viewer'));
    expect(timedOut.code).toBe(3);
    expect(timedOut.out).toMatch(/state:\s+parked/);
    expect(timedOut.err).toBe(`tollgate: task ${task.id} is still parked after 50 ms\n`);
    // The CLI runs in this process with its output captured: the approval goes over HTTP meanwhile.
    const waiting = tollgate('tasks', 'wait', task.id, '--timeout-ms', '20000', '--json', ...as('viewer'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await approveOverHttp(task.approvalId)).status).toBe(200);
    const decided = await waiting;
    expect([decided.code, decided.err]).toEqual([0, '']);
    // API.md: /wait answers as soon as the task is no longer parked (approved: on its way to completed).
    expect(JSON.parse(decided.out)).toMatchObject({ id: task.id, state: expect.stringMatching(/^(resumed|executing|completed)$/) });
    const badTimeout = await tollgate('tasks', 'wait', task.id, '--timeout-ms', '60001', ...as('viewer'));
    expect(badTimeout.code).toBe(2);
  });

  it('tasks propose: proposes as the token\'s agent; exit 0 once it ran, 3 while parked, 4 when it will not run, 2 on bad input', async () => {
    const ran = await tollgate('tasks', 'propose', '--action-type', 'code:read', '--title', 'Read the billing module', '--args', '{"path":"src/billing.ts"}', ...as('agent'));
    expect([ran.code, ran.err]).toEqual([0, '']);
    expect(ran.out).toMatch(/state:\s+completed/);
    expect(ran.out).toMatch(/agent:\s+agent/);
    const parked = await tollgate('tasks', 'propose', '--action-type', 'vcs:push', '--title', 'Push', '--args', '{"branch":"release/2"}', '--idempotency-key', 'cli-1', '--json', ...as('agent'));
    expect(parked.code).toBe(3);
    const { task } = JSON.parse(parked.out) as { task: { id: string; state: string; approvalId: string } };
    expect(task.state).toBe('parked');
    // Said on stderr too, as tasks wait does: a person at a terminal reads why the exit code is 3.
    expect(parked.err).toBe(`tollgate: task ${task.id} is parked: it waits for a human decision (approval ${task.approvalId}); tollgate tasks wait ${task.id} waits for it\n`);
    // The same key again answers the first task; waiting for a decision that comes meanwhile: exit 0.
    const waiting = tollgate('tasks', 'propose', '--action-type', 'vcs:push', '--title', 'Push', '--args', '{"branch":"release/2"}', '--idempotency-key', 'cli-1', '--wait-ms', '20000', '--json', ...as('agent'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await approveOverHttp(task.approvalId)).status).toBe(200);
    const decided = await waiting;
    expect(JSON.parse(decided.out).task.id).toBe(task.id);
    expect(JSON.parse(decided.out).task.state).toMatch(/^(resumed|executing|completed)$/);
    const denied = await tollgate('tasks', 'propose', '--action-type', 'code:read', '--title', 'Read', '--args', '{"path":"../../etc/passwd"}', ...as('agent'));
    expect(denied.code).toBe(4);
    expect(denied.out).toMatch(/state:\s+denied/);
    expect(denied.err).toMatch(/^tollgate: task \S+ will not run: it was denied \(.*path.*\)\n$/);
    for (const bad of [['--args', '{"path":'], ['--args', '[1]'], ['--ttl-seconds', 'soon'], ['--action-type', 'Not An Action']]) {
      const run = await tollgate('tasks', 'propose', '--action-type', 'code:read', '--title', 'Read', ...bad, ...as('agent'));
      expect(run.code, bad.join(' ')).toBe(2);
      expect(run.err, bad.join(' ')).toMatch(/^tollgate: /);
    }
    const observer = await tollgate('tasks', 'propose', '--action-type', 'code:read', '--title', 'Read', ...as('viewer'));
    expect(observer.code).toBe(1);
    expect(observer.err).toMatch(/forbidden/);
  });

  it('lists, shows, approves, rejects and reroutes approvals; decidedBy is the token', async () => {
    const submit = async () => {
      const response = await fetch(`${server.url}/api/v1/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokenOf('agent')}`, 'content-type': 'application/json' },
        body: JSON.stringify(PROPOSALS.human),
      });
      return ((await response.json()) as { task: { id: string; approvalId: string } }).task;
    };
    const [a, b, c] = [await submit(), await submit(), await submit()];
    const ls = await tollgate('approvals', 'ls', '--status', 'pending', ...as('alice'));
    expect(ls.out).toContain(a.approvalId);
    expect(ls.out).toMatch(/\d+ of \d+ \(offset 0\)/);
    const urgent = JSON.parse((await tollgate('approvals', 'ls', '--status', 'pending', '--order', 'urgency', '--json', ...as('alice'))).out);
    // Same risk and deadline policy: the oldest request (the nearest deadline) first, unlike newest first.
    const ours = new Set([a.approvalId, b.approvalId, c.approvalId]);
    const inOrder = urgent.items.map((approval: { id: string }) => approval.id).filter((id: string) => ours.has(id));
    expect(inOrder).toEqual([a.approvalId, b.approvalId, c.approvalId]);
    const refused = await tollgate('approvals', 'ls', '--order', 'riskiest', ...as('alice'));
    expect([refused.code, refused.err]).toEqual([2, expect.stringContaining('order')]);
    const shown = (await tollgate('approvals', 'show', a.approvalId, ...as('alice'))).out;
    expect(shown).toMatch(/status:\s+pending/);
    // What is being approved, not only its title.
    expect(shown).toMatch(/args:\s+\{"branch":/);
    expect(shown).toMatch(/secops:\s+.*high risk/);
    const notJson = await tollgate('approvals', 'reroute', c.approvalId, '--reason', 'x', '--action-type', 'code:read', '--args', 'notjson', ...as('carol'));
    expect([notJson.code, notJson.err]).toEqual([2, expect.stringContaining('--args is not valid JSON')]);

    const approved = await tollgate('approvals', 'approve', a.approvalId, '--comment', 'fine', ...as('alice'));
    expect(approved.out).toBe(`approval ${a.approvalId} is approved (1/1 votes); task ${a.id} is completed\n`);
    const rejected = await tollgate('approvals', 'reject', b.approvalId, '--reason', 'not now', '--json', ...as('bob'));
    expect(JSON.parse(rejected.out)).toMatchObject({ approval: { status: 'rejected', decidedBy: 'bob' }, task: { state: 'denied' } });
    const rerouted = await tollgate('approvals', 'reroute', c.approvalId, '--reason', 'read first', '--action-type', 'code:read', '--args', '{"path":"x"}', ...as('carol'));
    expect(rerouted.out).toMatch(/task .* is rerouted\nalternative task .* \(code:read\) is completed\n$/);
  });

  it('approvals show prints the reroute SecOps suggests as a command that works, quoted for the shell', async () => {
    const response = await fetch(`${server.url}/api/v1/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('agent')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ actionType: 'vcs:push', title: 'force it', args: { command: "bash -c 'git push -f origin main'" } }),
    });
    const task = ((await response.json()) as { task: { approvalId: string } }).task;
    const shown = (await tollgate('approvals', 'show', task.approvalId, ...as('alice'))).out;
    const line = /^suggested:\s+reroute to vcs:push .*: (tollgate approvals reroute .*)$/m.exec(shown)?.[1];
    expect(line).toBe(`tollgate approvals reroute ${task.approvalId} --action-type vcs:push --args '{"command":"bash -c '\\''git push --force-with-lease origin main'\\''"}' --reason …`);
    const args = JSON.stringify({ command: "bash -c 'git push --force-with-lease origin main'" });
    const taken = await tollgate('approvals', 'reroute', task.approvalId, '--action-type', 'vcs:push', '--args', args, '--reason', 'lease it', ...as('alice'));
    expect(taken.out).toMatch(/task .* is rerouted\n/);
  });

  it('approvals ls pages by cursor: prints the next one under the table, takes it back with --cursor', async () => {
    for (let i = 0; i < 2; i += 1) {
      await fetch(`${server.url}/api/v1/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokenOf('agent')}`, 'content-type': 'application/json' },
        body: JSON.stringify(PROPOSALS.human),
      });
    }
    const all = JSON.parse((await tollgate('approvals', 'ls', '--status', 'pending', '--order', 'urgency', '--limit', '200', '--json', ...as('viewer'))).out);
    const first = await tollgate('approvals', 'ls', '--status', 'pending', '--order', 'urgency', '--limit', '1', ...as('viewer'));
    const cursor = /^more: --cursor (\S+)$/m.exec(first.out)?.[1];
    expect(cursor).toBeDefined();
    const second = await tollgate('approvals', 'ls', '--status', 'pending', '--order', 'urgency', '--limit', '1', '--cursor', cursor as string, ...as('viewer'));
    expect(second.code).toBe(0);
    expect(second.out).toContain(all.items[1].id);
    expect(second.out).toMatch(new RegExp(`^1 of ${all.total}$`, 'm'));
    const mismatched = await tollgate('approvals', 'ls', '--status', 'pending', '--cursor', cursor as string, ...as('viewer'));
    expect([mismatched.code, mismatched.err]).toEqual([2, expect.stringMatching(/another order.*\[HTTP 400\]/)]);
  });

  it('serve refuses to start with a bad tokens file (or none), a bad policy file or port: a clear message, exit 2, nothing opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-bad-tokens-'));
    try {
      const bad = join(dir, 'tokens.json');
      writeFileSync(bad, JSON.stringify([{ token: 'short', principal: { id: 'x', roles: ['root'] } }]));
      const db = `sqlite:${join(dir, 'never.db')}`;
      const invalid = await tollgate('serve', '--port', '0', '--db', db, '--tokens', bad);
      expect(invalid.code).toBe(2);
      expect(invalid.out).toBe('');
      expect(invalid.err).toMatch(/invalid tokens file: 0\.token: a token needs at least 16 characters.*0\.principal\.roles\.0/);
      const missing = await tollgate('serve', '--port', '0', '--db', db);
      expect([missing.code, missing.err]).toEqual([2, expect.stringMatching(/--tokens FILE is required/)]);
      const unreadable = await tollgate('serve', '--port', '0', '--db', db, '--tokens', join(dir, 'nope.json'));
      expect([unreadable.code, unreadable.err]).toEqual([2, expect.stringMatching(/cannot read tokens file/)]);
      const good = join(dir, 'good-tokens.json');
      writeFileSync(good, JSON.stringify(GRANTS));
      const policy = join(dir, 'policy.json');
      writeFileSync(policy, JSON.stringify({ version: 1, decisionTable: 'none' }));
      const badPolicy = await tollgate('serve', '--port', '0', '--db', db, '--tokens', good, '--policy', policy);
      expect([badPolicy.code, badPolicy.err]).toEqual([2, expect.stringMatching(/invalid policy/)]);
      const badPort = await tollgate('serve', '--port', '70000', '--db', db, '--tokens', good);
      expect([badPort.code, badPort.err]).toEqual([2, expect.stringMatching(/port/)]);
      expect(existsSync(join(dir, 'never.db'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('startServer on a taken port throws a clear error before it recovers (runs) anything', async () => {
    const engine = createEngine({ store: createMemoryStore() });
    const recover = vi.spyOn(engine, 'recover');
    const port = Number(new URL(server.url).port);
    const refused = await startServer({ engine, tokens: GRANTS, logger: createLogger('silent'), port }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'listen_failed', details: { errno: 'EADDRINUSE' } });
    expect((refused as Error).message).toMatch(/cannot listen on 127\.0\.0\.1:\d+: the port is in use by another process/);
    expect(recover).not.toHaveBeenCalled();
    await engine.close();
  });

  it('startServer listens before it recovers; a request in the meantime waits for recovery', async () => {
    const engine = createEngine({ store: createMemoryStore() });
    const recovery = deferred<void>();
    const realRecover = engine.recover.bind(engine);
    vi.spyOn(engine, 'recover').mockImplementation(async () => {
      await recovery.promise;
      return realRecover();
    });
    const port = await freePort();
    const starting = startServer({ engine, tokens: GRANTS, logger: createLogger('silent'), port, sweepIntervalMs: 60_000 });
    await vi.waitFor(() => expect(engine.recover).toHaveBeenCalled());
    let answered = false;
    const request = fetch(`http://127.0.0.1:${port}/api/v1/tasks`, { headers: { authorization: `Bearer ${tokenOf('viewer')}` } }).then((response) => {
      answered = true;
      return response.status;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(false);
    recovery.resolve();
    const running = await starting;
    expect(await request).toBe(200);
    await running.close();
  });

  it('startServer whose recovery fails answers the waiting requests 503 and gives the port back', async () => {
    const engine = createEngine({ store: createMemoryStore() });
    const recovery = deferred<void>();
    vi.spyOn(engine, 'recover').mockImplementation(async () => {
      await recovery.promise;
      throw new Error('store unreadable');
    });
    const port = await freePort();
    const starting = startServer({ engine, tokens: GRANTS, logger: createLogger('silent'), port, sweepIntervalMs: 60_000 }).catch((error: unknown) => error);
    await vi.waitFor(() => expect(engine.recover).toHaveBeenCalled());
    const waiting = fetch(`http://127.0.0.1:${port}/api/v1/tasks`, { headers: { authorization: `Bearer ${tokenOf('viewer')}` } });
    const alive = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(alive.status).toBe(200);
    recovery.resolve();
    const answer = await waiting;
    expect([answer.status, ((await answer.json()) as { code: string }).code]).toEqual([503, 'engine_closed']);
    expect(await starting).toMatchObject({ message: 'store unreadable' });
    // The port is free again.
    const again = await startServer({ engine: createEngine({ store: createMemoryStore() }), tokens: GRANTS, logger: createLogger('silent'), port, sweepIntervalMs: 60_000 });
    await again.close();
    await engine.close();
  });

  it('tollgate serve on a taken port says so and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-taken-'));
    try {
      const tokens = join(dir, 'tokens.json');
      writeFileSync(tokens, JSON.stringify(GRANTS));
      const taken = await tollgate('serve', '--port', new URL(server.url).port, '--db', join(dir, 'taken.db'), '--tokens', tokens);
      expect([taken.code, taken.out]).toEqual([1, '']);
      expect(taken.err).toMatch(/cannot listen on 127\.0\.0\.1:\d+: the port is in use by another process .*\(listen_failed\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('under npm start, a taken port says how to pass --port through npm (found by a new-user trial: `npm start --port 3001` is npm\'s option, and serve refused the stray 3001)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-taken-npm-'));
    vi.stubEnv('npm_lifecycle_event', 'start');
    try {
      const tokens = join(dir, 'tokens.json');
      writeFileSync(tokens, JSON.stringify(GRANTS));
      const taken = await tollgate('serve', '--port', new URL(server.url).port, '--db', join(dir, 'taken.db'), '--tokens', tokens);
      expect([taken.code, taken.out]).toEqual([1, '']);
      expect(taken.err).toMatch(/the port is in use by another process \(stop it, or pick another with npm start -- --port N; 0 picks a free one\) \(listen_failed\)/);
    } finally {
      vi.unstubAllEnvs();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows an agent\'s text as written, never as terminal commands: escapes, carriage returns, newlines and invisible characters are escaped (found by a new-user trial)', async () => {
    // An agent's title that would erase its own line and draw a harmless-looking one in its place.
    const title = 'Wipe prod\x1b[2K\rRead the docs\nabc  parked';
    const response = await fetch(`${server.url}/api/v1/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('agent')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...PROPOSALS.human, title, args: { branch: 'main', note: 'x\u200b\u2028y\u0007' } }),
    });
    const { task } = (await response.json()) as { task: { id: string; approvalId: string } };
    const shown = String.raw`Wipe prod\x1b[2K\rRead the docs\nabc  parked`;
    for (const run of [
      await tollgate('tasks', 'ls', ...as('viewer')),
      await tollgate('tasks', 'show', task.id, ...as('viewer')),
      await tollgate('approvals', 'ls', ...as('viewer')),
      await tollgate('approvals', 'show', task.approvalId, ...as('viewer')),
    ]) {
      expect(run.code).toBe(0);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach the terminal.
      expect(run.out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u200b\u2028]/);
    }
    expect((await tollgate('tasks', 'show', task.id, ...as('viewer'))).out).toContain(`title:    ${shown}`);
    expect((await tollgate('approvals', 'show', task.approvalId, ...as('viewer'))).out).toContain(String.raw`"note":"x\u200b\u2028y\u0007"`);
    // The table keeps one line per row: the title's newline does not forge another.
    const rows = (await tollgate('approvals', 'ls', ...as('viewer'))).out.split('\n').filter((line) => line.includes(task.approvalId));
    expect(rows).toHaveLength(1);
    // Vote comments are shown with their votes, quoted.
    const vote = await tollgate('approvals', 'approve', task.approvalId, '--comment', 'checked\x1b[31m', ...as('alice'));
    expect(vote.code).toBe(0);
    expect((await tollgate('approvals', 'show', task.approvalId, ...as('viewer'))).out).toMatch(/votes:\s+1\/1 alice \("checked\\u001b\[31m"\)/);
  });

  it('reports server refusals and bad input with a message and a non-zero exit', async () => {
    const unknown = await tollgate('approvals', 'approve', 'missing', ...as('alice'));
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/approval missing not found \[HTTP 404\] \(not_found\)/);
    const forbidden = await tollgate('approvals', 'approve', 'missing', ...as('viewer'));
    expect(forbidden.err).toMatch(/\[HTTP 403\] \(forbidden\)/);
    const badToken = await tollgate('tasks', 'ls', '--url', server.url, '--token', 'nope-nope-nope-nope');
    expect(badToken.err).toMatch(/\[HTTP 401\] \(unauthorized\)/);
    // Without --token and with TOLLGATE_TOKEN unset, whatever the environment running the tests has.
    vi.stubEnv('TOLLGATE_TOKEN', undefined);
    const noToken = await tollgate('tasks', 'ls', '--url', server.url).finally(() => vi.unstubAllEnvs());
    expect([noToken.code, noToken.err]).toEqual([2, expect.stringMatching(/no token/)]);
    const badState = await tollgate('tasks', 'ls', '--state', 'sleeping', ...as('viewer'));
    expect(badState.code).toBe(2);
    const down = await tollgate('tasks', 'ls', '--url', 'http://127.0.0.1:1', '--token', tokenOf('viewer'));
    expect([down.code, down.err]).toEqual([1, expect.stringMatching(/cannot reach the server at http:\/\/127\.0\.0\.1:1: .+ \(server_unreachable\)/)]);
  });

  it('tells a request cut off after it was sent (server_no_answer: it may have been done) from one that never reached the server (found by a PostgreSQL trial: a worker killed mid-request read as server_unreachable, "nothing was asked")', async () => {
    // A server that reads each request whole, then drops the connection without an answer.
    let requests = 0;
    const cutter = createServer((socket) => {
      let seen = '';
      socket.on('data', (chunk) => {
        seen += chunk;
        const end = seen.indexOf('\r\n\r\n');
        const length = Number(/content-length: (\d+)/i.exec(seen)?.[1] ?? 0);
        if (end >= 0 && seen.length >= end + 4 + length) {
          requests += 1;
          socket.destroy();
        }
      });
    });
    await new Promise<void>((resolve) => cutter.listen(0, '127.0.0.1', resolve));
    const cutUrl = `http://127.0.0.1:${(cutter.address() as { port: number }).port}`;
    try {
      const post = await tollgate('approvals', 'approve', 'some-approval', '--url', cutUrl, '--token', tokenOf('alice'));
      expect([post.code, post.err]).toEqual([1, expect.stringMatching(/no answer from the server at http:\/\/127\.0\.0\.1:\d+ \(.+\): it may have been done: read it back .* \(server_no_answer\)/)]);
      // A POST is never repeated by the CLI.
      expect(requests).toBe(1);
      const down = await tollgate('approvals', 'approve', 'some-approval', '--url', `http://127.0.0.1:${await freePort()}`, '--token', tokenOf('alice'));
      expect([down.code, down.err]).toEqual([1, expect.stringMatching(/cannot reach the server .* \(server_unreachable\)/)]);
    } finally {
      await new Promise<void>((resolve) => cutter.close(() => resolve()));
    }
  });

  it('exits 2 on bad usage — an unknown option or command, a missing argument — and 0 for help (found by a new-user trial)', async () => {
    for (const argv of [['tasks', 'ls', '--bogus'], ['tasks', 'show'], ['approvals', 'reject', 'some-id'], ['nonsense'], []]) {
      const answer = await tollgate(...argv);
      expect([argv.join(' '), answer.code]).toEqual([argv.join(' '), 2]);
    }
    expect((await tollgate('tasks', '--help')).code).toBe(0);
    expect((await tollgate('--version')).code).toBe(0);
  });
});

/** A port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
