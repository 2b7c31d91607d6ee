import type { ExecutionRequest, Executor } from '../../src/engine/executor.ts';
import type { JsonValue } from '../../src/model/json.ts';

/**
 * An executor that remembers every call (across engine restarts: the log outlives engines),
 * and fails when the task's args say `failExecution: true` (or `failWith: CODE`, with that code).
 */
export class RecordingExecutor implements Executor {
  readonly idempotent: boolean;
  readonly calls: ExecutionRequest[] = [];
  constructor(options: { idempotent?: boolean } = {}) {
    this.idempotent = options.idempotent ?? false;
  }
  async execute(request: ExecutionRequest): Promise<JsonValue> {
    this.calls.push(request);
    if (request.args.failExecution === true) throw Object.assign(new Error('upstream said no'), { code: 'upstream_failed' });
    // Fails with the error code asked for (an executor endpoint down: executor_unreachable, …).
    if (typeof request.args.failWith === 'string') throw Object.assign(new Error(`failed: ${request.args.failWith}`), { code: request.args.failWith });
    return { executed: request.taskId };
  }
  /** How many times each task was executed. */
  countsByTask(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const call of this.calls) counts.set(call.taskId, (counts.get(call.taskId) ?? 0) + 1);
    return counts;
  }
}
