import { createActor } from 'xstate';
import { fromAsync } from '../actors/promise-logic.ts';
import { taskMachine } from '../machines/task.machine.ts';
import { defaultPolicyRuntime } from '../src/engine/default-policy-runtime.ts';
import { measure } from './stats.ts';

/**
 * The floor under every Tollgate figure: the task machine alone, driven through the auto path
 * (proposed → evaluating → autoApproved → executing → completed) with the real policy as its
 * `secOps` child and an instant executor, no store, no engine. Its snapshot is serialised at
 * the two checkpoints as the engine does. Whatever the engine adds is measured against this.
 */
export async function benchMachineFloor(options: { tasks: number; concurrency: number }): Promise<{ auto_per_s: number; auto_us_per_task: number }> {
  const policy = defaultPolicyRuntime();
  const machine = taskMachine.provide({
    actors: {
      secOps: fromAsync((input: Parameters<typeof policy.evaluate>[0]) => policy.evaluate(input)),
      approvalStore: fromAsync<never, unknown>(() => Promise.reject(new Error('the auto path files no approval'))),
      executor: fromAsync(() => ({ cleared: true })),
    } as never,
  });
  const runOne = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const actor = createActor(machine, {
        input: { taskId: `floor-${i}`, proposal: { actionType: 'code:read', title: 'read a file', args: { path: `src/module-${i % 100}.ts` }, agentId: 'bench-agent' } },
      });
      actor.subscribe({
        next: (snapshot) => {
          if (snapshot.hasTag('checkpoint')) JSON.stringify(actor.getPersistedSnapshot());
          if (snapshot.status === 'done') {
            actor.stop();
            if (snapshot.value === 'completed') resolve();
            else reject(new Error(`floor task ended ${String(snapshot.value)}`));
          }
        },
        error: reject,
      });
      actor.start();
      actor.send({ type: 'EVALUATE' });
    });
  await measure(Math.min(2000, options.tasks), options.concurrency, runOne);
  const run = await measure(options.tasks, options.concurrency, runOne);
  return { auto_per_s: Math.round(run.perSecond), auto_us_per_task: Math.round((run.seconds * 1e6) / options.tasks) };
}
