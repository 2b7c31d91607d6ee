import { decodeEnvelope } from '../../machines/envelope.ts';
import type { TaskContext } from '../../machines/task-context.ts';
import type { Task, TaskAlternative } from '../model/task.ts';
import type { Alternative, Verdict } from '../model/verdict.ts';
import type { TaskRecord } from '../store/task-record.ts';

/** The id of the task submitted for a rerouted task's alternative: derived, so resubmitting is idempotent. */
export function alternativeTaskId(taskId: string): string {
  return `${taskId}-alt`;
}

/**
 * The title of a rerouted task's alternative when the reroute named none.
 * @example alternativeTitle('Push the release') // 'Push the release (alternative)'
 */
export function alternativeTitle(title: string): string {
  return `${title} (alternative)`;
}

/**
 * Shapes a stored task for the API. `context` is the machine context when the caller has it;
 * otherwise it is read from the stored snapshot (a snapshot that cannot be read shows as an
 * error on the task, without changing anything).
 * @example const task = toTaskView(record, run.actor.getSnapshot().context, { history: true });
 */
export function toTaskView(record: TaskRecord, context?: TaskContext | null, options: { history?: boolean } = {}): Task {
  let ctx = context ?? null;
  let readError: string | null = null;
  if (!ctx && record.state !== 'quarantined') {
    try {
      ctx = decodeEnvelope(record.envelope).context;
    } catch (error) {
      readError = (error as Error).message;
    }
  }
  const verdict = ctx?.verdict ?? null;
  const task: Task = {
    id: record.id,
    state: record.state,
    actionType: record.actionType,
    title: record.title,
    description: ctx?.proposal.description ?? null,
    args: ctx?.proposal.args ?? {},
    agentId: record.agentId,
    department: record.department,
    riskLevel: record.riskLevel,
    autonomy: verdict?.autonomy ?? null,
    verdict: verdict ? verdictView(verdict) : null,
    approvalId: record.approvalId,
    alternative: ctx?.alternative ? alternativeView(ctx.alternative, record.title) : null,
    alternativeTaskId: record.state === 'rerouted' && ctx?.alternative ? alternativeTaskId(record.id) : null,
    parentTaskId: record.parentTaskId,
    result: ctx?.result ?? null,
    error:
      record.state === 'quarantined'
        ? { code: 'snapshot_invalid', message: record.quarantineReason ?? 'snapshot could not be restored' }
        : readError
          ? { code: 'snapshot_invalid', message: readError }
          : (ctx?.error ?? null),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (ctx?.proposal.metadata !== undefined) task.metadata = ctx.proposal.metadata;
  if (options.history) task.history = record.history;
  return task;
}

/** The alternative as API.md lists it, every field present: what its alternative task was submitted with. */
function alternativeView(alternative: Alternative, title: string): TaskAlternative {
  return {
    actionType: alternative.actionType,
    args: alternative.args ?? {},
    title: alternative.title ?? alternativeTitle(title),
    reason: alternative.reason ?? null,
  };
}

/** What a task shows of its verdict: API.md's fields, and on an escalation the reroute SecOps suggests. */
function verdictView(verdict: Verdict): NonNullable<Task['verdict']> {
  const view: NonNullable<Task['verdict']> = {
    decision: verdict.decision,
    reason: verdict.reason,
    matchedRules: verdict.matchedRules,
    policyVersion: verdict.policyVersion,
    argsHash: verdict.argsHash,
  };
  if (verdict.decision === 'escalate' && verdict.alternative) view.suggestedAlternative = verdict.alternative;
  return view;
}
