import { GateError } from '../errors.ts';
import { withinTime } from '../util/deadline.ts';
import type { ExecutionRequest, Executor } from './executor.ts';

/** The longest `executorTimeoutMs` (7 days): a deploy may take hours, nothing takes weeks. */
export const MAX_EXECUTOR_TIMEOUT_MS = 7 * 24 * 3600 * 1000;

/**
 * Calls the host's executor with a deadline: past `timeoutMs` of real time without an answer,
 * the request's `signal` is aborted (an executor that honours it stops its work) and the call
 * fails with `execution_outcome_unknown` — the action may have run, as when a connection is
 * cut; what it answers later is ignored. Its timer is cleared as soon as it answers.
 * @throws GateError execution_outcome_unknown, or what the executor threw
 * @example await executeWithin(executor, request, 60_000)
 */
export function executeWithin(executor: Executor, request: ExecutionRequest, timeoutMs: number): Promise<unknown> {
  const controller = new AbortController();
  return withinTime(executor.execute({ ...request, signal: controller.signal }), timeoutMs, () => {
    const error = new GateError(
      'execution_outcome_unknown',
      `the executor gave no answer within ${timeoutMs} ms (executorTimeoutMs): the action may have run; it was asked to stop (request.signal)`,
    );
    controller.abort(error);
    return error;
  });
}
