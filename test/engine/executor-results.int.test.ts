import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionRequest } from '../../src/engine/executor.ts';
import type { JsonValue } from '../../src/model/json.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { EngineHarness } from '../support/engine-harness.ts';
import { RecordingExecutor } from '../support/recording-executor.ts';
import { testPolicy } from '../support/test-policy.ts';

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

/** An idempotent executor whose every call waits until its gate (in `gates`, in call order) is opened. */
function gatedExecutor(): { executor: RecordingExecutor; gates: Array<() => void> } {
  const gates: Array<() => void> = [];
  class GatedExecutor extends RecordingExecutor {
    override async execute(request: ExecutionRequest): Promise<JsonValue> {
      this.calls.push(request);
      await new Promise<void>((resolve) => gates.push(resolve));
      return { done: request.taskId };
    }
  }
  return { executor: new GatedExecutor({ idempotent: true }), gates };
}

describe('recovery under a hung executor', () => {
  it('says the interrupted tasks are restored and running before their executions end, and resolves once they rest', async () => {
    const { executor, gates } = gatedExecutor();
    const harness = await EngineHarness.open({ executor });
    try {
      const first = harness.engine.submit(read('date')).catch(() => undefined);
      const second = harness.engine.submit(read('nothing')).catch(() => undefined);
      await expect.poll(() => harness.executor.calls.length).toBe(2);
      await harness.engine.close({ timeoutMs: 50 });
      await Promise.all([first, second]);
      for (const open of gates.splice(0)) open();
      // A new engine on the same store, as after a crash: both tasks are in `executing`.
      const engine = createEngine({ store: harness.store, policy: testPolicy(), executor: harness.executor, clock: harness.clock });
      let restoredAt = -1;
      const recovery = engine.recover({ onRestored: () => (restoredAt = harness.executor.calls.length) });
      let rested = false;
      void recovery.then(() => (rested = true));
      await expect.poll(() => restoredAt).toBeGreaterThanOrEqual(2);
      // Restored and running, and neither execution has ended: recovery has not resolved.
      expect(rested).toBe(false);
      expect((await engine.get(harness.executor.calls[2]!.taskId)).state).toBe('executing');
      await expect.poll(() => gates.length).toBe(2);
      for (const open of gates.splice(0)) open();
      expect(await recovery).toMatchObject({ resumed: 2, quarantined: 0 });
      await engine.close();
    } finally {
      for (const open of gates.splice(0)) open();
      await harness.close();
    }
  });

  it('says so at once when nothing was interrupted', async () => {
    const harness = await EngineHarness.open();
    try {
      let told = 0;
      await harness.engine.recover({ onRestored: () => (told += 1) });
      expect(told).toBe(1);
    } finally {
      await harness.close();
    }
  });
});

describe('an idempotent retry of a task still recovering', () => {
  it('is answered once the task is settled, as the first submit would have been (found by the torture run)', async () => {
    const { executor, gates } = gatedExecutor();
    const harness = await EngineHarness.open({ executor });
    try {
      const proposal = { ...read('date'), idempotencyKey: 'retry-me' };
      const first = harness.engine.submit(proposal).catch(() => undefined);
      await expect.poll(() => harness.executor.calls.length).toBe(1);
      await harness.engine.close({ timeoutMs: 50 });
      await first;
      for (const open of gates.splice(0)) open();
      const engine = createEngine({ store: harness.store, policy: testPolicy(), executor: harness.executor, clock: harness.clock });
      let restored = false;
      const recovery = engine.recover({ onRestored: () => (restored = true) });
      await expect.poll(() => restored).toBe(true);
      let answered = false;
      const retry = engine.submit(proposal).then((result) => {
        answered = true;
        return result;
      });
      await expect.poll(() => gates.length).toBe(1);
      expect(answered).toBe(false);
      for (const open of gates.splice(0)) open();
      const result = await retry;
      expect(result).toMatchObject({ created: false, task: { state: 'completed', result: { done: result.task.id } } });
      await recovery;
      await engine.close();
    } finally {
      for (const open of gates.splice(0)) open();
      await harness.close();
    }
  });
});
