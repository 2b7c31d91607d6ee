import { type Logger, pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/engine-types.ts';
import type { Executor } from '../../src/engine/executor.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { StoreOutage, connectionRefused } from '../support/outage-store.ts';

// Found by the ops trial (a full disk): an executor answered, the commit of its outcome failed,
// the run ended with nothing logged, and the task stayed `executing` — on SQLite until a
// restart, which ran it again.

type Line = Record<string, unknown> & { level: number; msg: string };

function recordingLogger(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  return { logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }), lines };
}

const read = { actionType: 'code:read', title: 'read', args: { path: 'a.ts' }, agentId: 'bot' };

/** Until the engine says it is waiting for the store to record an outcome (not a fixed sleep: a loaded machine may be slower). */
async function waitingForTheStore(lines: Line[]): Promise<void> {
  await vi.waitFor(() => expect(lines.some((line) => line.msg.startsWith('the outcome of an execution could not be recorded'))).toBe(true), { timeout: 10_000 });
}

/** An executor that takes the store away while it runs (the outage starts before its outcome is written). */
function executorThatBreaks(outage: StoreOutage, calls: string[]): Executor {
  return {
    async execute(request) {
      calls.push(request.taskId);
      outage.failWith(connectionRefused());
      return { done: true };
    },
  };
}

describe("an execution's outcome in a store outage", () => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.close({ timeoutMs: 500 });
    engine = undefined;
  });

  it('is written once the store is back: the task completes with its result, the executor ran once, and the wait is logged', async () => {
    const outage = new StoreOutage(createMemoryStore());
    const calls: string[] = [];
    const { logger, lines } = recordingLogger();
    engine = createEngine({ store: outage.store, executor: executorThatBreaks(outage, calls), logger });
    const submitted = engine.submit(read);
    await waitingForTheStore(lines);
    outage.restore();
    const { task } = await submitted;
    expect(task).toMatchObject({ state: 'completed', result: { done: true } });
    expect(calls).toHaveLength(1);
    expect((await engine.get(task.id)).state).toBe('completed');
    expect(lines.filter((line) => line.level >= 40).map((line) => line.msg)).toEqual([
      'the outcome of an execution could not be recorded: the store is unavailable; trying again until it is back',
    ]);
    expect(lines.find((line) => line.level === 40)).toMatchObject({ taskId: task.id, state: 'completed', code: 'ECONNREFUSED' });
    expect(lines.some((line) => line.msg === 'the outcome of an execution was recorded once the store was back')).toBe(true);
  });

  it('gives up when the engine closes, leaving the task executing for the next recover() (no hang)', async () => {
    const outage = new StoreOutage(createMemoryStore());
    const inner = outage.store;
    const { logger, lines } = recordingLogger();
    engine = createEngine({ store: inner, executor: executorThatBreaks(outage, []), logger });
    const submitted = engine.submit(read).catch((error: unknown) => error);
    await waitingForTheStore(lines);
    const closing = engine.close({ timeoutMs: 100 });
    engine = undefined;
    await closing;
    expect(await submitted).toMatchObject({ code: 'engine_closed' });
    outage.restore();
    const [stored] = (await inner.listTasks({ limit: 10 })).items;
    expect(stored?.state).toBe('executing');
  });

  it('ends the run as before when the store fails before anything ran', async () => {
    const outage = new StoreOutage(createMemoryStore());
    engine = createEngine({ store: outage.store, logger: recordingLogger().logger });
    outage.failWith(connectionRefused());
    await expect(engine.submit(read)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
