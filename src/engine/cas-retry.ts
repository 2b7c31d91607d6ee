import { ConflictError, hasCode } from '../errors.ts';

/**
 * How often a decision or a cancel reads the task again after losing its compare-and-set to
 * another worker's commit. Each loss means that worker changed the task (a vote, a deadline),
 * and those are few — votes up to the quorum, one per escalation tier — so this is not reached
 * in practice; if it is, the caller gets a documented 409, never `stale_revision`.
 */
export const MAX_CAS_ATTEMPTS = 25;

/**
 * Runs `attempt` again each time it loses its compare-and-set on the task (`stale_revision`:
 * another worker committed between its read and its write), so it judges the task as it is now;
 * after {@link MAX_CAS_ATTEMPTS} losses, a 409 `invalid_transition`. Any other error goes through.
 * @example await retryLostCas(taskId, async () => { const run = await runner.restore(taskId, ['parked']); … });
 */
export async function retryLostCas<T>(taskId: string, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!hasCode(error, 'stale_revision')) throw error;
      if (tries >= MAX_CAS_ATTEMPTS) {
        throw new ConflictError('invalid_transition', `task ${taskId} kept changing while this was being applied (other workers' commits); try again`);
      }
    }
  }
}
