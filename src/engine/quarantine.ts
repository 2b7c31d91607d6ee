import type { Approval } from '../model/approval.ts';
import type { TaskRecord } from '../store/task-record.ts';
import { isoNow } from './clock.ts';
import type { TaskRunDeps } from './task-run.ts';

/**
 * Takes a task whose stored snapshot cannot be restored out of circulation: state
 * `quarantined` with the reason, its pending approval cancelled (so the sweeper and the queue
 * let go of it), and a `task.quarantined` audit entry. The snapshot is kept for forensics.
 * Other tasks are not affected.
 * @example await quarantineTask(deps, record, 'snapshot has machine version 9');
 */
export async function quarantineTask(deps: TaskRunDeps, record: TaskRecord, reason: string): Promise<void> {
  const at = isoNow(deps.clock);
  let approval: Approval | undefined;
  if (record.approvalId) {
    const current = await deps.store.getApproval(record.approvalId);
    if (current?.status === 'pending') {
      approval = { ...current, status: 'cancelled', decidedAt: at, decidedBy: 'system', decisionReason: `task quarantined: ${reason}` };
    }
  }
  const event = {
    type: 'task.quarantined' as const,
    taskId: record.id,
    actor: 'system',
    at,
    data: { reason, previousState: record.state },
    ...(record.approvalId ? { approvalId: record.approvalId } : {}),
  };
  const receipt = await deps.store.commit({
    task: { ...record, state: 'quarantined', quarantineReason: reason, revision: record.revision + 1, updatedAt: at },
    expectedRevision: record.revision,
    ...(approval ? { approval } : {}),
    events: [event],
  });
  deps.publish([{ ...event, id: receipt.eventIds[0] ?? 0 }]);
  deps.logger.warn({ taskId: record.id, reason }, 'task quarantined');
}
