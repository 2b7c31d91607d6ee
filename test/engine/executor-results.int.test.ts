import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionRequest } from '../../src/engine/executor.ts';
import type { JsonValue } from '../../src/model/json.ts';
import { EngineHarness } from '../support/engine-harness.ts';
import { RecordingExecutor } from '../support/recording-executor.ts';

/** An executor whose results and throws come from the task's args (`give`). */
class ScriptedExecutor extends RecordingExecutor {
  constructor(readonly script: Record<string, () => unknown>, options: { idempotent?: boolean } = {}) {
    super(options);
  }
  override async execute(request: ExecutionRequest): Promise<JsonValue> {
    this.calls.push(request);
    return this.script[String(request.args.give)]?.() as JsonValue;
  }
}

const circular = () => {
  const value: Record<string, unknown> = {};
  value.self = value;
  return value;
};
const SCRIPT: Record<string, () => unknown> = {
  bigint: () => ({ rows: 10n }),
  circular,
  function: () => () => 1,
  huge: () => ({ blob: 'x'.repeat(1024 * 1024 + 1) }),
  date: () => ({ at: new Date(0), skip: undefined }),
  nothing: () => undefined,
  thrownObject: () => {
    throw { code: 'E42', detail: 'quota' };
  },
};

const read = (give: string) => ({ actionType: 'code:read', title: `returns ${give}`, args: { give }, agentId: 'bot' });

describe('what a host executor returns or throws', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness?.close();
  });

  it.each(['bigint', 'circular', 'function', 'huge'])(
    'a result that cannot be kept (%s) fails the task with executor_result_invalid; the process and other tasks go on',
    async (give) => {
      harness = await EngineHarness.open({ executor: new ScriptedExecutor(SCRIPT) });
      const { task } = await harness.engine.submit(read(give));
      expect(task.state).toBe('failed');
      expect(task.error?.code).toBe('executor_result_invalid');
      expect(task.error?.message).toContain('the action ran');
      // What was answered is what is stored, and a restart finds nothing to run again.
      await harness.restart({ crash: true });
      expect(await harness.engine.get(task.id)).toMatchObject({ state: 'failed', error: { code: 'executor_result_invalid' } });
      expect((await harness.engine.recover()).resumed).toBe(0);
      expect((await harness.engine.submit(read('date'))).task.state).toBe('completed');
    },
  );

  it('keeps a result as plain JSON, exactly as the store gives it back', async () => {
    harness = await EngineHarness.open({ executor: new ScriptedExecutor(SCRIPT) });
    const dated = (await harness.engine.submit(read('date'))).task;
    expect(dated.result).toEqual({ at: '1970-01-01T00:00:00.000Z' });
    expect((await harness.engine.get(dated.id)).result).toEqual(dated.result);
    const nothing = (await harness.engine.submit(read('nothing'))).task;
    expect(nothing).toMatchObject({ state: 'completed', result: null });
  });

  it('names what a non-Error throw said, instead of [object Object]', async () => {
    harness = await EngineHarness.open({ executor: new ScriptedExecutor(SCRIPT) });
    const { task } = await harness.engine.submit(read('thrownObject'));
    expect(task).toMatchObject({ state: 'failed', error: { code: 'E42', message: '{"code":"E42","detail":"quota"}' } });
  });
});

describe('closing the engine under a hung executor', () => {
  it('rejects the waiting submit with engine_closed (a ClosedError), and the task continues at the next recover()', async () => {
    let release: () => void = () => undefined;
    class HungExecutor extends RecordingExecutor {
      override async execute(request: ExecutionRequest): Promise<JsonValue> {
        this.calls.push(request);
        if (this.calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return { done: request.taskId };
      }
    }
    const harness = await EngineHarness.open({ executor: new HungExecutor({ idempotent: true }) });
    try {
      const pending = harness.engine.submit(read('date'));
      await expect.poll(() => harness.executor.calls.length).toBe(1);
      await harness.engine.close({ timeoutMs: 50 });
      await expect(pending).rejects.toMatchObject({ name: 'ClosedError', code: 'engine_closed' });
      release();
      const taskId = harness.executor.calls[0]!.taskId;
      await harness.restart(); // recovers: the task was executing, its executor is idempotent
      expect(harness.executor.calls.map((call) => call.taskId)).toEqual([taskId, taskId]);
      expect(await harness.engine.get(taskId)).toMatchObject({ state: 'completed', result: { done: taskId } });
    } finally {
      release();
      await harness.close();
    }
  });
});
