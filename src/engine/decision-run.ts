import { type Approval, type ApprovalView, toApprovalView } from '../model/approval.ts';
import type { Decision } from '../model/decision.ts';
import type { Principal } from '../model/principal.ts';
import type { RiskLevel } from '../model/risk.ts';
import { NotFoundError, hasCode } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { TaskRecord } from '../store/task-record.ts';
import { assertMayDecide } from './authorize.ts';
import { retryLostCas } from './cas-retry.ts';
import { type Clock, isoNow } from './clock.ts';
import type { DecisionResult } from './engine-types.ts';
import { TaskLoadError } from './restore.ts';
import type { TaskRun } from './task-run.ts';
import { type TaskRunner, contextOf } from './task-runner.ts';
import { toTaskView } from './task-view.ts';

/** What applying a decision needs from the engine. */
export interface DecisionDeps {
  store: Store;
  runner: TaskRunner;
  clock: Clock;
  /** The version of the policy in force (an approval given under another is judged again). */
  policyVersion: string;
  /** The risk the policy in force gives an action type (a reroute's alternative is judged by it). */
  riskOf(actionType: string): RiskLevel;
  /** Applies the timeouts of approvals past their deadline (claiming their tasks first). */
  applyTimeouts(due: readonly Approval[], now: string): Promise<number>;
}

/**
 * Applies a validated decision by `principal` to an approval: judged on the approval as stored,
 * then again on the task's snapshot under the task's lock, and sent to the restored task; of
 * concurrent decisions (on any worker) exactly one takes effect, the others get their 409.
 * @throws NotFoundError, ForbiddenError, ConflictError
 * @example await applyDecision(deps, approvalId, { kind: 'approve' }, alice);
 */
export async function applyDecision(deps: DecisionDeps, approvalId: string, decision: Decision, principal: Principal): Promise<DecisionResult> {
  const { store, runner, clock } = deps;
  const alternativeRisk = decision.kind === 'reroute' ? deps.riskOf(decision.alternative.actionType) : undefined;
  const judge = (approval: Approval) => assertMayDecide(approval, decision, principal, alternativeRisk);
  // The approval and its task in one read: both from the same commit.
  const read = await store.getApprovalWithTask(approvalId);
  if (!read) throw new NotFoundError('approval', approvalId);
  const first = read.approval;
  // Past its deadline, an approval is judged as the sweeper would have left it: its timeout is
  // applied first (expired, escalated, approved on timeout), whenever the sweeper runs next.
  const now = isoNow(clock);
  const overdue = first.status === 'pending' && first.expiresAt !== null && first.expiresAt <= now;
  if (overdue) await deps.applyTimeouts([first], now);
  // Nothing of this worker can change the approval or the task between that read and taking the
  // lock: they are read once. (Another worker's commit may lie between; the task's revision is
  // compared when the decision commits, and a lost compare-and-set reads both again.)
  let fresh = overdue || runner.locks.busy(first.taskId) ? null : read;
  // A lost compare-and-set means another worker decided first: reload and judge again,
  // which turns the loss into the right 409 (not_pending, already_voted).
  return runner.locks.run(first.taskId, () =>
    retryLostCas(first.taskId, async () => {
      const approval = fresh?.approval ?? (await store.getApproval(approvalId));
      const task = fresh?.task ?? undefined;
      fresh = null;
      if (!approval) throw new NotFoundError('approval', approvalId);
      judge(approval);
      let run: TaskRun;
      try {
        run = await runner.restore(approval.taskId, ['parked'], {
          recovered: false,
          storedApproval: approval,
          ...(task ? { storedTask: task } : {}),
        });
      } catch (error) {
        // The task moved on since the approval was read (decided, expired or cancelled by
        // another worker): the approval as it is now says why (not_pending), not the task's state.
        if (error instanceof TaskLoadError && !error.quarantined) {
          const now = await store.getApproval(approvalId);
          if (now) judge(now);
        }
        throw error;
      }
      try {
        // Judged again on the approval the task was restored with: another worker's vote may
        // have landed between the two reads (already_voted, not an ignored event).
        judge(contextOf(run).approval ?? approval);
      } catch (error) {
        run.abandon(error);
        throw error;
      }
      const sent = sendDecision(run, decision, principal, isoNow(clock), deps.policyVersion);
      let record: TaskRecord;
      try {
        if (!sent) await run.settled;
        record = await run.settled;
      } catch (error) {
        // Lost before anything was written: tried again (retryLostCas).
        if (!(hasCode(error, 'stale_revision') && run.commits > 0)) throw error;
        // Decided here, then taken over by another worker (its lease ran out): answer what it made of it.
        const stored = await runner.settledElsewhere(approval.taskId);
        return { approval: await readApprovalView(store, approvalId), task: toTaskView(stored) };
      }
      const stored = contextOf(run).approval;
      const result: DecisionResult = {
        approval: stored ? toApprovalView(stored) : await readApprovalView(store, approvalId),
        task: toTaskView(record, contextOf(run)),
      };
      const alternativeTask = await runner.submitAlternative(record, contextOf(run));
      if (alternativeTask) result.alternativeTask = alternativeTask;
      return result;
    }),
  );
}

/** Sends the decision's event to the started run; false when the machine ignored it. */
function sendDecision(run: TaskRun, decision: Decision, principal: Principal, at: string, policyVersion: string): boolean {
  run.start();
  if (decision.kind === 'approve') {
    return run.send({ type: 'APPROVE', by: principal.id, at, policyVersion, ...(decision.comment !== undefined ? { comment: decision.comment } : {}) });
  }
  if (decision.kind === 'reject') return run.send({ type: 'REJECT', by: principal.id, at, reason: decision.reason });
  return run.send({ type: 'REROUTE', by: principal.id, at, reason: decision.reason, alternative: decision.alternative });
}

/**
 * An approval as the API shows it, read from the store.
 * @throws NotFoundError
 * @example await readApprovalView(store, approvalId)
 */
export async function readApprovalView(store: Store, approvalId: string): Promise<ApprovalView> {
  const approval = await store.getApproval(approvalId);
  if (!approval) throw new NotFoundError('approval', approvalId);
  return toApprovalView(approval);
}
