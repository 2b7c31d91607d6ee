import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROPOSALS, tokenOf } from './support/app-harness.ts';
import { runCli, ServerFiles, ServerProcess } from './support/spawn-server.ts';

/** An event stream over loopback, open until `abort()` (the client going away, as a closed tab does). */
interface OpenStream {
  status: number;
  retryAfter: string | null;
  abort: () => void;
}

describe('the real server’s limits over loopback (tollgate serve --max-streams-per-principal 2 --proposal-rate 1 --proposal-burst 2)', () => {
  const files = new ServerFiles();
  let server: ServerProcess;
  const open: OpenStream[] = [];
  beforeAll(async () => {
    server = await ServerProcess.start(files, ['--max-streams-per-principal', '2', '--proposal-rate', '1', '--proposal-burst', '2']);
  });
  afterAll(async () => {
    for (const stream of open) stream.abort();
    await server?.stop('SIGTERM');
    files.remove();
  });

  /** Opens `/api/v1/events` and, when it is a stream, reads its first chunk (so it is open on the server). */
  async function openStream(): Promise<OpenStream> {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/v1/events`, { headers: { authorization: `Bearer ${tokenOf('viewer')}` }, signal: controller.signal });
    const stream = { status: response.status, retryAfter: response.headers.get('retry-after'), abort: () => controller.abort() };
    if (response.status === 200) {
      const reader = response.body!.getReader();
      await reader.read();
      open.push(stream);
      // Keep reading in the background, as a client does, until aborted.
      void (async () => {
        for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) return;
      })();
    } else await response.body?.cancel();
    return stream;
  }

  it('a client that goes away (connection aborted) gives its stream slot back', async () => {
    const first = await openStream();
    const second = await openStream();
    expect([first.status, second.status]).toEqual([200, 200]);
    const refused = await openStream();
    expect([refused.status, refused.retryAfter]).toEqual([429, '5']);
    first.abort();
    // The server learns of it when the socket closes: poll briefly instead of guessing a delay.
    const deadline = Date.now() + 10_000;
    let again = await openStream();
    while (again.status === 429 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await openStream();
    }
    expect(again.status).toBe(200);
    expect((await openStream()).status).toBe(429);
  });

  it('an agent past its burst gets 429 too_many_requests with Retry-After', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        fetch(`${server.url}/api/v1/tasks`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokenOf('agent')}`, 'content-type': 'application/json' },
          body: JSON.stringify({ ...PROPOSALS.auto, title: `read ${i}` }),
        }).then(async (response) => ({ status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() })),
      ),
    );
    const refused = answers.filter((answer) => answer.status === 429);
    expect(answers.filter((answer) => answer.status === 201).length).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const answer of refused) {
      expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
      expect(answer.body).toMatchObject({ type: 'urn:tollgate:problem:too_many_requests', title: 'Too Many Requests', status: 429, code: 'too_many_requests', detail: expect.any(String) });
    }
  });

  it('serve refuses limits that are not numbers in range: exit 2, nothing opened', async () => {
    const cases = [
      ['--max-streams-per-principal', '0'],
      ['--max-streams-per-principal', 'many'],
      ['--proposal-rate', '-1'],
      ['--proposal-rate', '1.5'],
      ['--proposal-burst', '0'],
    ];
    const runs = await Promise.all(cases.map((flags) => runCli(['serve', '--port', '0', '--db', 'memory:', '--tokens', files.tokens, ...flags])));
    runs.forEach((run, i) => {
      const flags = cases[i]!.join(' ');
      expect([flags, run.code, run.stdout]).toEqual([flags, 2, '']);
      expect(run.stderr).toMatch(/serve options/);
    });
  });
});
