import { fromAsync } from './promise-logic.ts';
import type { ExecutorInput } from '../machines/task.machine.ts';
import type { JsonValue } from '../src/model/json.ts';

/**
 * The `executor` child actor. `run` is the engine's execution guard: it waits until the
 * `executing` checkpoint (the execution intent) is durable, refuses a second blind run after a
 * crash, and only then calls the host's executor with the idempotency key (the task id).
 *
 * @example taskMachine.provide({ actors: { executor: createExecutorActor((input) => guard.run(input)) } })
 */
export function createExecutorActor(run: (input: ExecutorInput) => Promise<JsonValue>) {
  return fromAsync<JsonValue, ExecutorInput>(run);
}
