import type { Approval } from '../src/model/approval.ts';
import { type Alternative, type Verdict, WITHHELD_ARGS } from '../src/model/verdict.ts';
import type { JsonValue } from '../src/model/json.ts';
import { compareRisk } from '../src/model/risk.ts';
import type { TaskContext, TaskError } from './task-context.ts';
import type { ApproveEvent, CancelEvent, RejectEvent, RerouteEvent, TimeoutEvent } from './task-events.ts';

/**
 * The context with some of its approval's fields replaced. Every change the machine makes to an
 * approval (a vote, a closing, an escalation) is to the approval's own fields, one level down,
 * so a copy of the approval with those fields is the whole update: no immer draft (DESIGN.md's
 * immer is for nested updates; a draft cost 4–7 µs per decision for what a copy does in 0.2 —
 * README, "How it works"). The parts not replaced are shared, never changed in place: the task
 * machine treats context as immutable, like every XState context.
 */
function patchApproval(context: TaskContext, patch: Partial<Approval>): TaskContext {
  if (!context.approval) return context;
  return { ...context, approval: { ...context.approval, ...patch } };
}

/**
 * Records SecOps' verdict (and its suggested alternative). Arguments that held a credential are
 * replaced here, before the task's first checkpoint, so they never reach the store.
 */
export const withVerdict = (context: TaskContext, verdict: Verdict): TaskContext => {
  if (verdict.argsWithheld) return { ...context, verdict, proposal: { ...context.proposal, args: { ...WITHHELD_ARGS } } };
  return verdict.decision === 'alternative' && verdict.alternative
    ? { ...context, verdict, alternative: verdict.alternative }
    : { ...context, verdict };
};

/** Records the approval item the approval store filed. */
export const withApproval = (context: TaskContext, approval: Approval): TaskContext => ({ ...context, approval });

/** Adds one approver's vote. */
export const withVote = (context: TaskContext, event: ApproveEvent): TaskContext =>
  patchApproval(context, {
    approvals: [
      ...(context.approval?.approvals ?? []),
      event.comment === undefined ? { by: event.by, at: event.at } : { by: event.by, at: event.at, comment: event.comment },
    ],
  });

/** Closes the approval with a final status. */
export const withApprovalClosed = (
  context: TaskContext,
  status: Approval['status'],
  at: string,
  by: string | null,
  reason: string | null,
): TaskContext =>
  patchApproval(context, { status, decidedAt: at, decidedBy: by, decisionReason: reason });

/** A human rejected the request. */
export const withRejection = (context: TaskContext, event: RejectEvent): TaskContext =>
  withApprovalClosed(context, 'rejected', event.at, event.by, event.reason);

/** A human rerouted the request to a safer action. */
export const withReroute = (context: TaskContext, event: RerouteEvent): TaskContext => {
  const alternative: Alternative = { ...event.alternative, reason: event.alternative.reason ?? event.reason };
  return { ...withApprovalClosed(context, 'rejected', event.at, event.by, event.reason), alternative };
};

/** The task was cancelled while parked. */
export const withCancellation = (context: TaskContext, event: CancelEvent): TaskContext =>
  withApprovalClosed(context, 'cancelled', event.at, event.by, event.reason ?? 'cancelled');

/** The approval moves to the next escalation tier and its next deadline. */
export const withEscalation = (context: TaskContext, _event: TimeoutEvent): TaskContext => {
  const { approval } = context;
  if (!approval) return context;
  const [next, ...rest] = approval.escalationDeadlines;
  const patch: Partial<Approval> = { escalationTier: approval.escalationTier + 1, expiresAt: next ?? null, escalationDeadlines: rest };
  if (rest.length === 0 && next !== undefined) patch.onTimeout = approval.onEscalationExhausted ?? 'deny';
  return patchApproval(context, patch);
};

/** Records the executor's result. */
export const withResult = (context: TaskContext, result: JsonValue): TaskContext => ({
  ...context,
  result: result === undefined ? null : result,
});

/** Records why the task failed or was denied by the runtime. */
export const withError = (context: TaskContext, error: TaskError): TaskContext => ({ ...context, error });

/** Turns anything thrown by a child actor into a task error. */
export function toTaskError(error: unknown, fallbackCode: string): TaskError {
  if (error && typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' && code ? code : fallbackCode,
      message: typeof message === 'string' ? message : describeThrown(error),
    };
  }
  return { code: fallbackCode, message: describeThrown(error) };
}

/** A thrown value that is not an Error, as words: `{"code":"E42"}` rather than `[object Object]`. */
function describeThrown(thrown: unknown): string {
  try {
    if (thrown && typeof thrown === 'object') {
      const text = JSON.stringify(thrown);
      if (text !== undefined && text !== '{}') return text.length > 500 ? `${text.slice(0, 500)}…` : text;
    }
    return String(thrown);
  } catch {
    return 'an unprintable value was thrown';
  }
}

/** Notes the policy version in force at release, when the engine stamped one on the event. */
export const withPolicyAtResume = (context: TaskContext, policyVersion: string | undefined): TaskContext =>
  policyVersion === undefined ? context : { ...context, policyAtResume: policyVersion };

/**
 * Whether a verdict under the policy now in force still lets a released task run: not a
 * denial, no riskier than the approval its approvers were judged against (each approver's
 * `maxRisk` covered that risk, not the new one), and no more approvals needed than were given
 * (a release on timeout gave none: fail closed).
 */
export function releaseStands(context: TaskContext, verdict: Verdict): boolean {
  if (verdict.decision === 'deny') return false;
  if (context.approval && compareRisk(verdict.riskLevel, context.approval.riskLevel) > 0) return false;
  if (verdict.decision === 'escalate') return (context.approval?.approvals.length ?? 0) >= verdict.requiredApprovals;
  return true;
}

/** Records why the policy now in force stopped an approved task. */
export const withPolicyDenial = (context: TaskContext, verdict: Verdict): TaskContext => {
  const change = `the policy changed while the task was parked (${context.approval?.policyVersion ?? '?'} → ${verdict.policyVersion})`;
  const given = context.approval?.approvals.length ?? 0;
  let message: string;
  if (verdict.decision === 'deny') message = `${change} and now denies it: ${verdict.reason}`;
  else if (verdict.decision === 'escalate' && given < verdict.requiredApprovals) message = `${change} and now needs ${verdict.requiredApprovals} approvals; submit it again`;
  else message = `${change} and now rates it ${verdict.riskLevel} risk, above the ${context.approval?.riskLevel ?? '?'} its approval was given for; submit it again`;
  return withError(context, { code: 'policy_changed', message });
};
