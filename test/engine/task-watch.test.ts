import { Observable, Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine-types.ts';
import { waitForTask } from '../../src/engine/task-waiter.ts';
import { watchTask } from '../../src/engine/task-watch.ts';
import type { LifecycleEvent } from '../../src/model/lifecycle-event.ts';
import type { Principal } from '../../src/model/principal.ts';
import { EngineHarness } from '../support/engine-harness.ts';
import { TEST_ACTIONS } from '../support/test-policy.ts';

/** An engine as far as watching goes: an event stream that counts its subscribers. */
function fakeEngine() {
  const subject = new Subject<LifecycleEvent>();
  const stats = { subscribed: 0, open: 0 };
  const events$ = new Observable<LifecycleEvent>((subscriber) => {
    stats.subscribed += 1;
    stats.open += 1;
    const inner = subject.subscribe(subscriber);
    return () => {
      stats.open -= 1;
      inner.unsubscribe();
    };
  });
  const event = (taskId: string) => subject.next({ id: 1, type: 'task.completed', taskId, at: '2026-12-07T00:00:00.000Z' } as LifecycleEvent);
  return { engine: { events$ } as unknown as Engine, subject, stats, event };
}

const counter = () => {
  const seen = { events: 0, ends: 0 };
  return { seen, watcher: { onEvent: () => (seen.events += 1), onEnd: () => (seen.ends += 1) } };
};

describe('watchTask', () => {
  it('shares one subscription among every watcher and tells each only of its own task', () => {
    const { engine, stats, event } = fakeEngine();
    const watchers = Array.from({ length: 1_000 }, (_, i) => ({ ...counter(), taskId: `t-${i % 500}` }));
    const unwatch = watchers.map(({ taskId, watcher }) => watchTask(engine, taskId, watcher));
    expect(stats).toEqual({ subscribed: 1, open: 1 });
    event('t-7');
    expect(watchers.filter(({ seen }) => seen.events === 1).map(({ taskId }) => taskId)).toEqual(['t-7', 't-7']);
    expect(watchers.reduce((sum, { seen }) => sum + seen.events, 0)).toBe(2);
    for (const stop of unwatch) stop();
    expect(stats.open).toBe(0);
    event('t-7');
    expect(watchers.reduce((sum, { seen }) => sum + seen.events, 0)).toBe(2);
  });

  it('stops watching once however often asked, and subscribes again for a new watcher', () => {
    const { engine, stats, event } = fakeEngine();
    const a = counter();
    const b = counter();
    const stopA = watchTask(engine, 't-1', a.watcher);
    const stopB = watchTask(engine, 't-1', b.watcher);
    stopA();
    stopA();
    expect(stats.open).toBe(1);
    event('t-1');
    expect([a.seen.events, b.seen.events]).toEqual([0, 1]);
    stopB();
    expect(stats.open).toBe(0);
    const c = counter();
    watchTask(engine, 't-1', c.watcher);
    expect(stats).toEqual({ subscribed: 2, open: 1 });
    event('t-1');
    expect(c.seen.events).toBe(1);
  });

  it('a watcher that stops another while being told does not break the round', () => {
    const { engine, event } = fakeEngine();
    const b = counter();
    let stopB = () => {};
    watchTask(engine, 't-1', { onEvent: () => stopB(), onEnd: () => {} });
    stopB = watchTask(engine, 't-1', b.watcher);
    event('t-1');
    event('t-1');
    expect(b.seen.events).toBeLessThanOrEqual(1);
  });

  it('tells every watcher when the stream ends, and a watcher that comes after at once', () => {
    const { engine, subject } = fakeEngine();
    const a = counter();
    const b = counter();
    watchTask(engine, 't-1', a.watcher);
    watchTask(engine, 't-2', b.watcher);
    subject.complete();
    expect([a.seen.ends, b.seen.ends]).toEqual([1, 1]);
    const late = counter();
    watchTask(engine, 't-3', late.watcher);
    expect(late.seen.ends).toBe(1);
  });
});

describe('waitForTask on a real engine', () => {
  const agent: Principal = { id: 'agent-1', roles: ['agent'] };
  const alice: Principal = { id: 'alice', roles: ['approver'], maxRisk: 'critical' };
  let harness: EngineHarness;
  afterEach(async () => {
    await harness?.close();
  });

  it('answers each of many waiters when its own task moves, the rest at their timeout', async () => {
    harness = await EngineHarness.open({ kind: 'memory' });
    const tasks = [];
    for (let i = 0; i < 20; i += 1) tasks.push((await harness.engine.submit({ actionType: TEST_ACTIONS.human, title: `push ${i}`, args: { i }, agentId: agent.id })).task);
    const waits = tasks.map((task) => waitForTask(harness.engine, task.id, { timeoutMs: 1_500 }));
    const decided = tasks[3]!;
    await harness.engine.decide(decided.approvalId!, { kind: 'approve' }, alice);
    const answers = await Promise.all(waits);
    // The decided one is answered as soon as it leaves parked (executing or already completed).
    expect(answers.map((task) => task.state === 'parked')).toEqual(tasks.map((task) => task.id !== decided.id));
    expect(answers[3]?.id).toBe(decided.id);
  });

  it('gives up at once when the engine closes, answering the task as it is', async () => {
    harness = await EngineHarness.open({ kind: 'memory' });
    const { task } = await harness.engine.submit({ actionType: TEST_ACTIONS.human, title: 'push', args: {}, agentId: agent.id });
    const wait = waitForTask(harness.engine, task.id, { timeoutMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await harness.engine.close();
    const outcome = await wait.then((answer) => answer.state, (error: { code?: string }) => error.code);
    expect(outcome).toBe('parked');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
