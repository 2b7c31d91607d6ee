import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { ExecutionRequest, Executor } from '../../src/engine/executor.ts';
import { createHttpExecutor } from '../../src/engine/http-executor.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import { createMemoryStore } from '../../src/store/memory.ts';

// Found by the embedding trial: an executor that never answered kept its task `executing`, and
// submit()/decide() pending, for ever; only the HTTP executor had a timeout of its own.

const read = (title: string) => ({ actionType: 'code:read', title, args: { path: 'a.ts' }, agentId: 'bot' });

/** An executor that answers after `delayMs` (never, when null), and keeps every request it got. */
function slowExecutor(delayMs: number | null, answer: unknown = { done: true }): Executor & { requests: ExecutionRequest[] } {
  const requests: ExecutionRequest[] = [];
  return {
    requests,
    execute(request) {
      requests.push(request);
      return new Promise((resolve) => {
        if (delayMs !== null) setTimeout(() => resolve(answer), delayMs);
      });
    },
  };
}

describe('executorTimeoutMs', () => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.close({ timeoutMs: 1_000 });
    engine = undefined;
  });

  it('fails a task whose executor gives no answer in time with execution_outcome_unknown, and aborts its signal', async () => {
    const executor = slowExecutor(null);
    engine = createEngine({ store: createMemoryStore(), executor, executorTimeoutMs: 50 });
    const started = Date.now();
    const { task } = await engine.submit(read('hangs'));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(task.state).toBe('failed');
    expect(task.error).toMatchObject({ code: 'execution_outcome_unknown', message: expect.stringContaining('no answer within 50 ms') });
    const signal = executor.requests[0]?.signal;
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toMatchObject({ code: 'execution_outcome_unknown' });
    // The failure is in the store and the audit like any other.
    expect((await engine.get(task.id)).state).toBe('failed');
  });

  it('ignores an answer that comes after the deadline: the task stays failed', async () => {
    const executor = slowExecutor(120, { late: true });
    engine = createEngine({ store: createMemoryStore(), executor, executorTimeoutMs: 30 });
    const { task } = await engine.submit(read('late'));
    expect(task.state).toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stored = await engine.get(task.id);
    expect(stored.state).toBe('failed');
    expect(stored.result).toBeNull();
  });

  it('leaves an executor that answers in time alone (and without the option, no signal is made)', async () => {
    const timed = slowExecutor(5, { done: 1 });
    engine = createEngine({ store: createMemoryStore(), executor: timed, executorTimeoutMs: 2_000 });
    expect((await engine.submit(read('quick'))).task).toMatchObject({ state: 'completed', result: { done: 1 } });
    expect(timed.requests[0]?.signal?.aborted).toBe(false);
    await engine.close();
    const untimed = slowExecutor(5);
    engine = createEngine({ store: createMemoryStore(), executor: untimed });
    expect((await engine.submit(read('quick'))).task.state).toBe('completed');
    expect(untimed.requests[0]).not.toHaveProperty('signal');
  });

  it.each([0, -1, 1.5, 8 * 24 * 3600 * 1000, '100'])('refuses executorTimeoutMs %s with validation_failed', (value) => {
    expect(() => createEngine({ store: createMemoryStore(), executorTimeoutMs: value as number })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('stops the HTTP executor: the signal ends its attempt and its retries, and is no part of what it POSTs', async () => {
    const bodies: unknown[] = [];
    let attempts = 0;
    const executor = createHttpExecutor({
      url: 'http://executor.invalid/run',
      maxAttempts: 5,
      baseDelayMs: 1,
      // An endpoint that never answers, but for the signal.
      fetch: async (_url, init) => {
        attempts += 1;
        bodies.push(JSON.parse(String(init?.body)));
        return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
      },
    });
    engine = createEngine({ store: createMemoryStore(), executor, executorTimeoutMs: 50 });
    const { task } = await engine.submit(read('http'));
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('execution_outcome_unknown');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(attempts).toBe(1);
    expect(bodies[0]).not.toHaveProperty('signal');
    expect(bodies[0]).toMatchObject({ taskId: task.id, actionType: 'code:read' });
  });
});
