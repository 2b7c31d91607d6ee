import { describe, expect, it } from 'vitest';
import { deferred } from '../../src/engine/deferred.ts';
import { createEngine } from '../../src/engine/engine.ts';
import type { ExecutionRequest } from '../../src/engine/executor.ts';
import { createLogger } from '../../src/engine/logger.ts';
import { startServer } from '../../src/server/server.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { GRANTS, PROPOSALS, tokenOf } from './support/app-harness.ts';

// A server restarted over a task that was executing serves requests once the task is restored
// and running again — not after its execution ends: an executor endpoint that hangs held every
// request of the restarted server for a minute (found by an operator trial).

describe('a server restarted over an interrupted execution', () => {
  it('answers requests while the recovered execution still runs, and the task completes after', async () => {
    const store = createMemoryStore();
    const hung = deferred<void>();
    const calls: string[] = [];
    const executor = {
      idempotent: true,
      async execute(request: ExecutionRequest) {
        calls.push(request.taskId);
        await hung.promise;
        return { done: request.taskId };
      },
    };
    // The first life: a cleared task starts executing, then the process "dies" (the engine closes under it).
    const first = createEngine({ store, executor });
    const submitted = first.submit({ ...PROPOSALS.auto, agentId: 'agent-1' }).catch(() => undefined);
    await expect.poll(() => calls.length).toBe(1);
    await first.close({ timeoutMs: 10 });
    await submitted;

    // The second life, on the same store: its executor hangs as the endpoint still does.
    const engine = createEngine({ store, executor });
    const logger = createLogger('silent');
    const server = await startServer({ engine, tokens: GRANTS, logger, port: 0, sweepIntervalMs: 60_000 });
    try {
      const answer = await fetch(`${server.url}/api/v1/tasks`, { headers: { authorization: `Bearer ${tokenOf('viewer')}` } });
      expect(answer.status).toBe(200);
      const { items } = (await answer.json()) as { items: Array<{ id: string; state: string }> };
      expect(items).toEqual([expect.objectContaining({ id: calls[0], state: 'executing' })]);
      expect(calls).toEqual([calls[0], calls[0]]);
      hung.resolve();
      await expect.poll(async () => (await engine.get(calls[0]!)).state).toBe('completed');
    } finally {
      hung.resolve();
      await server.close();
    }
  });
});
