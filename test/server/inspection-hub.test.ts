import { createActor, createMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { InspectionHub } from '../../src/server/inspection-hub.ts';
import { safeStringify } from '../../src/server/inspection-json.ts';

const toSafeJson = (value: unknown) => JSON.parse(safeStringify(value));
import { createMemoryStore } from '../../src/store/memory.ts';

describe('toSafeJson', () => {
  it('replaces actor refs, cycles, functions and errors; caps sizes', () => {
    const actor = createActor(createMachine({ id: 'm' })).start();
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic.self = cyclic;
    const value = {
      ref: actor,
      cyclic,
      fn: function named() {},
      error: new Error('boom'),
      long: 'x'.repeat(5_000),
      list: Array.from({ length: 80 }, (_, i) => i),
      deep: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } },
      big: 10n,
      gone: undefined,
    };
    const safe = toSafeJson(value) as Record<string, any>;
    expect(safe.ref).toEqual({ $actor: actor.id, sessionId: actor.sessionId });
    expect(safe.cyclic).toEqual({ name: 'c', self: '[circular]' });
    expect(safe.fn).toBe('[function named]');
    expect(safe.error).toEqual({ name: 'Error', message: 'boom' });
    expect(safe.long).toHaveLength(2_001);
    expect(safe.list).toHaveLength(51);
    expect(safe.list.at(-1)).toBe('… 30 more');
    expect(JSON.stringify(safe.deep)).toContain('[…]');
    expect(safe.big).toBe('10n');
    expect('gone' in safe).toBe(false);
    expect(() => JSON.stringify(safe)).not.toThrow();
    actor.stop();
  });

  it('keeps a shared (non-cyclic) object twice', () => {
    const shared = { n: 1 };
    expect(toSafeJson({ a: shared, b: shared })).toEqual({ a: { n: 1 }, b: { n: 1 } });
  });
});

describe('InspectionHub', () => {
  it('attributes the engine actors and their children to the task, from registration on', async () => {
    const hub = new InspectionHub();
    const engine = createEngine({ store: createMemoryStore(), inspect: hub.inspect });
    const { task } = await engine.submit({ actionType: 'code:read', title: 'read', agentId: 'agent-1', args: { path: 'a.ts' } });
    expect(task.state).toBe('completed');
    const records = hub.records(task.id);
    expect(records[0]?.type).toBe('@xstate.actor');
    const roots = new Set(records.map((r) => r.rootId));
    expect(roots.size).toBe(1);
    const children = new Set(records.filter((r) => r.actor.parentId !== null).map((r) => r.actor.id));
    expect(children).toEqual(new Set(['secOps', 'executor']));
    const snapshots = records.filter((r) => r.type === '@xstate.snapshot' && r.actor.parentId === null);
    expect((snapshots.at(-1)!.snapshot as any).value).toBe('completed');
    expect(records.every((r) => r.taskId === task.id)).toBe(true);
    expect(records.map((r) => r.seq)).toEqual([...records.map((r) => r.seq)].sort((a, b) => a - b));
    expect(hub.stats.pendingRoots).toBe(0);
    await engine.close();
  });

  it('follows a parked task across its restore, and tells live subscribers', async () => {
    const hub = new InspectionHub();
    const engine = createEngine({ store: createMemoryStore(), inspect: hub.inspect });
    const { task } = await engine.submit({ actionType: 'vcs:push', title: 'push', agentId: 'agent-1', args: {} });
    expect(task.state).toBe('parked');
    const seen: number[] = [];
    const stop = hub.subscribe(task.id, (record) => seen.push(record.seq));
    await engine.decide(task.approvalId!, { kind: 'approve' }, { id: 'alice', roles: ['approver'] });
    stop();
    const records = hub.records(task.id);
    expect(new Set(records.map((r) => r.rootId)).size).toBe(2);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual(records.slice(-seen.length).map((r) => r.seq));
    const events = records.filter((r) => r.type === '@xstate.event').map((r) => (r.event as any).type);
    expect(events).toContain('APPROVE');
    await engine.close();
  });

  it('is bounded per task, by tasks and by bytes, and caps one record', async () => {
    const hub = new InspectionHub({ perTask: 10, maxTasks: 3, maxRecordBytes: 1_500, fullDetail: 'always' });
    const engine = createEngine({ store: createMemoryStore(), inspect: hub.inspect });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { task } = await engine.submit({ actionType: 'code:read', title: `t${i}`, agentId: 'agent-1', args: { blob: 'y'.repeat(3_000) } });
      ids.push(task.id);
    }
    expect(hub.stats.tasks).toBe(3);
    expect(hub.recent(ids[0]!)).toEqual([]);
    const last = hub.recent(ids[4]!);
    expect(last).toHaveLength(10);
    for (const record of last) expect(record.json.length).toBeLessThanOrEqual(1_600);
    expect(hub.records(ids[4]!).some((r) => r.truncated)).toBe(true);
    await engine.close();

    const small = new InspectionHub({ maxBytes: 4_000, fullDetail: 'always' });
    const engine2 = createEngine({ store: createMemoryStore(), inspect: small.inspect });
    await engine2.submit({ actionType: 'code:read', title: 'a', agentId: 'agent-1', args: {} });
    await engine2.submit({ actionType: 'code:read', title: 'b', agentId: 'agent-1', args: {} });
    expect(small.stats.bytes).toBeLessThanOrEqual(4_000 + 16 * 1024);
    expect(small.stats.tasks).toBe(1);
    await engine2.close();
  });

  it('remembers the last maxRoots root actors, the oldest forgotten first', async () => {
    const hub = new InspectionHub({ maxRoots: 3 });
    const engine = createEngine({ store: createMemoryStore(), inspect: hub.inspect });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { task } = await engine.submit({ actionType: 'code:read', title: `t${i}`, agentId: 'agent-1', args: {} });
      ids.push(task.id);
    }
    expect(hub.stats.roots).toBe(3);
    // Each task is still attributed: forgetting a finished root loses nothing of its records.
    for (const id of ids) expect(hub.records(id).length).toBeGreaterThan(0);
    // A parked task restored later is a new root, attributed afresh.
    const { task } = await engine.submit({ actionType: 'vcs:push', title: 'push', agentId: 'agent-1', args: {} });
    expect(task.state).toBe('parked');
    expect(hub.stats.roots).toBe(3);
    await engine.close();
  });

  it('never throws into XState, even on a hostile event', () => {
    const hub = new InspectionHub();
    expect(() => hub.inspect({ type: '@xstate.snapshot', rootId: 'x', actorRef: null } as never)).not.toThrow();
  });

  it('only hands out records after a given seq', async () => {
    const hub = new InspectionHub();
    const engine = createEngine({ store: createMemoryStore(), inspect: hub.inspect });
    const { task } = await engine.submit({ actionType: 'code:read', title: 'read', agentId: 'agent-1', args: {} });
    const all = hub.recent(task.id);
    const middle = all[Math.floor(all.length / 2)]!.seq;
    expect(hub.recent(task.id, middle).every((r) => r.seq > middle)).toBe(true);
    await engine.close();
  });
});
