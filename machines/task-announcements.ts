import type { JsonObject } from '../src/model/json.ts';
import type { LifecycleEventDraft, LifecycleEventType } from '../src/model/lifecycle-event.ts';
import type { TaskContext } from './task-context.ts';

// The lifecycle events the task machine announces: who, about what, and the data each carries.

/** A lifecycle event of the task, from its context. */
export function lifecycle(context: TaskContext, type: LifecycleEventType, actor: string, data?: JsonObject): LifecycleEventDraft {
  const event: LifecycleEventDraft = { type, taskId: context.taskId, actor };
  const approvalId = context.approval?.id;
  if (approvalId && type !== 'task.proposed' && type !== 'task.evaluated') event.approvalId = approvalId;
  if (data) event.data = data;
  return event;
}

/** The data a lifecycle event carries, read from the task's context when it is announced. */
export function announcementData(context: TaskContext, type: LifecycleEventType): JsonObject | undefined {
  switch (type) {
    case 'task.proposed':
      return { actionType: context.proposal.actionType };
    case 'task.evaluated':
      return context.verdict
        ? { decision: context.verdict.decision, riskLevel: context.verdict.riskLevel, reason: context.verdict.reason }
        : { decision: 'deny', reason: context.error?.message ?? 'evaluation failed' };
    case 'approval.submitted':
      return {
        riskLevel: context.approval?.riskLevel ?? 'high',
        requiredApprovals: context.approval?.requiredApprovals ?? 1,
        expiresAt: context.approval?.expiresAt ?? null,
      };
    case 'approval.approved': {
      // The deciding vote's comment belongs in the hash-chained audit like every earlier vote's
      // (approval.vote); on timeout there is no vote, the reason says so.
      const approval = context.approval;
      const data: JsonObject = { votes: approval?.approvals.length ?? 0, requiredApprovals: approval?.requiredApprovals ?? 1 };
      const deciding = approval?.approvals.at(-1);
      if (deciding && deciding.by === approval?.decidedBy && deciding.comment !== undefined) data.comment = deciding.comment;
      if (approval?.decisionReason) data.reason = approval.decisionReason;
      return data;
    }
    case 'approval.escalated':
      return { escalationTier: context.approval?.escalationTier ?? 0, expiresAt: context.approval?.expiresAt ?? null };
    case 'approval.rejected':
    case 'approval.expired':
    case 'approval.cancelled':
      return { reason: context.approval?.decisionReason ?? null };
    case 'task.denied':
      return { reason: context.error?.message ?? context.approval?.decisionReason ?? context.verdict?.reason ?? 'denied' };
    case 'task.rerouted':
      return context.alternative ? { alternative: context.alternative as unknown as JsonObject } : undefined;
    case 'task.failed':
      return context.error ? { code: context.error.code, message: context.error.message } : undefined;
    default:
      return undefined;
  }
}
