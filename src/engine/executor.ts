import type { ExecutorInput } from '../../machines/child-inputs.ts';

/**
 * What the host's executor is asked to run: an approved (or auto-approved) action — the task
 * machine's `executor` input as it is (`idempotencyKey` is the task id, stable across restarts).
 */
export type ExecutionRequest = ExecutorInput & {
  /**
   * Aborted when the engine's `executorTimeoutMs` runs out before the executor answers (its
   * reason: the `execution_outcome_unknown` error the task fails with). Only with that option.
   */
  signal?: AbortSignal;
};

/**
 * The host's side of the gate: runs an action once Tollgate has cleared it.
 *
 * If the process dies while an action is executing, Tollgate cannot know whether it ran. An
 * `idempotent` executor (one that dedupes by `idempotencyKey`, like an HTTP endpoint honouring
 * `Idempotency-Key`) is called again after the restart; any other executor is never called a
 * second time and the task ends `failed` with code `execution_outcome_unknown`.
 *
 * `execute` resolves to the action's result, kept with the task as `JSON.stringify` writes it
 * (a `Date` becomes its ISO string, `undefined` null). It is typed `unknown` because it is
 * checked when it arrives: a result that cannot be JSON, or is over 1 MiB, fails the task with
 * `executor_result_invalid`. A throw fails the task (`execution_failed`, or the thrown `code`).
 *
 * @example
 * const executor: Executor = { idempotent: true, execute: async (req) => callMyService(req) };
 */
export interface Executor {
  execute(request: ExecutionRequest): Promise<unknown>;
  idempotent?: boolean;
}

/**
 * The default executor: runs nothing, records that the agent is cleared to proceed.
 * @example createEngine({ store, executor: recordExecutor })
 */
export const recordExecutor: Executor = {
  idempotent: true,
  execute: async () => ({ cleared: true }),
};
