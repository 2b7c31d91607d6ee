import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import { taskMachine } from '../../machines/task.machine.ts';
import { persistedSnapshotOf } from '../../src/engine/persisted-snapshot.ts';
import { stubActors, verdictOf } from '../support/stub-actors.ts';

const proposal = { actionType: 'vcs:push', title: 'push', args: { branch: 'main', nested: { list: [1, 'two', null] } }, agentId: 'agent-1' };
const json = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('persistedSnapshotOf', () => {
  it.each([
    ['parked', 'escalate', false],
    ['completed', 'allow', false],
    ['failed', 'allow', true],
    ['denied', 'deny', false],
    ['rerouted', 'alternative', false],
  ] as const)('equals XState’s own persisted snapshot in %s', async (state, decision, fails) => {
    const machine = taskMachine.provide({
      actors: stubActors({
        verdict: () => verdictOf(decision),
        execute: () => {
          if (fails) throw new Error('boom');
          return { ok: true };
        },
      }),
    });
    const actor = createActor(machine, { input: { taskId: 't1', proposal } });
    actor.start();
    actor.send({ type: 'EVALUATE' });
    await waitFor(actor, (s) => s.value === state);
    const snapshot = actor.getSnapshot();
    expect(json(persistedSnapshotOf(actor, snapshot))).toStrictEqual(json(actor.getPersistedSnapshot()));
  });

  it('equals XState’s own while a child actor runs (executing), child and all', async () => {
    let release: (value: unknown) => void = () => undefined;
    const machine = taskMachine.provide({
      actors: stubActors({ verdict: () => verdictOf('allow'), execute: () => new Promise((resolve) => (release = resolve)) as never }),
    });
    const actor = createActor(machine, { input: { taskId: 't1', proposal } });
    actor.start();
    actor.send({ type: 'EVALUATE' });
    await waitFor(actor, (s) => s.value === 'executing');
    const persisted = json(persistedSnapshotOf(actor, actor.getSnapshot()));
    expect(Object.keys(persisted.children)).toEqual(['executor']);
    expect(persisted).toStrictEqual(json(actor.getPersistedSnapshot()));
    release({ ok: true });
  });
});
