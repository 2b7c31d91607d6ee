import type { Store } from '../store/store.ts';
import { failureSummary, storeUnavailableReason } from '../store/store-outage.ts';
import type { CommitReceipt, TaskCommit } from '../store/task-record.ts';
import type { Logger } from './logger.ts';

/** The wait before the first retry of an execution's outcome commit in a store outage, doubling up to the next. */
const OUTCOME_RETRY_FIRST_MS = 100;
const OUTCOME_RETRY_MAX_MS = 5_000;

/**
 * Writes the commit that records what an execution did (its result or its failure), whose first
 * attempt failed with `error`, once the store is back: a store outage is waited out (backing off
 * to every 5 s) rather than ending the run, which would leave the task `executing` with its
 * outcome known only to this process — on a single-process store until a restart, which runs it
 * again. Said once at warn, and at info when it landed. Any other error is thrown as it is; so is
 * what `stopped()` returns once it is not null (the run was abandoned: shutdown).
 * @example receipt = await commitOutcomeWhenBack(store, change, error, { logger, taskId, stopped: () => failure })
 */
export async function commitOutcomeWhenBack(
  store: Store,
  change: TaskCommit,
  error: unknown,
  options: { logger: Logger; taskId: string; stopped: () => unknown },
): Promise<CommitReceipt> {
  if (storeUnavailableReason(error) === undefined) throw error;
  const { logger, taskId, stopped } = options;
  logger.warn(
    { taskId, state: change.task.state, ...failureSummary(error) },
    'the outcome of an execution could not be recorded: the store is unavailable; trying again until it is back',
  );
  for (let attempt = 2; ; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(OUTCOME_RETRY_MAX_MS, OUTCOME_RETRY_FIRST_MS * 2 ** Math.min(attempt - 2, 10))).unref());
    const reason = stopped();
    if (reason !== null) throw reason;
    try {
      const receipt = await store.commit(change);
      logger.info({ taskId, state: change.task.state, attempts: attempt }, 'the outcome of an execution was recorded once the store was back');
      return receipt;
    } catch (again) {
      if (storeUnavailableReason(again) === undefined) throw again;
    }
  }
}
