import type { ExecutorCall } from './executor-recorder.ts';
import type { FinalApproval, FinalTask, FinalView } from './final-view.ts';
import type { Ledger } from './ledger.ts';
import type { ScenarioOutcome } from './scenarios.ts';

const TERMINAL = new Set(['completed', 'failed', 'denied', 'rerouted', 'expired', 'cancelled', 'quarantined']);
const AUTO_RISKS = new Set(['low', 'medium']);

/** What the checks found: counts for the report, and every broken invariant, spelled out. */
export interface Verdict {
  violations: string[];
  /**
   * Known gaps of the gate, reported but not failed on: a rerouted task whose alternative was
   * never created because the gate was killed between the reroute's commit and the
   * alternative's first commit, when no client had been told of the alternative.
   */
  knownIssues: string[];
  counts: {
    acknowledged: number;
    tasksChecked: number;
    executedKeys: number;
    executorCalls: number;
    /** Keys the executor saw more than once (each time after a crash: allowed, idempotent). */
    reExecutedAfterCrash: number;
    completed: number;
    approvalsExpired: number;
    observations: number;
    terminalObservationsChecked: number;
    finalStates: Record<string, number>;
  };
}

/**
 * The torture run's invariants, over what the clients saw (ledger), what the outside world saw
 * (executor calls) and what the gate says at the end (final view):
 * no acknowledged task lost; every scenario ends as its answers allow; nothing executed without
 * an allow verdict (low/medium risk) or an approved quorum; each completed task completed once,
 * with the answer of a real call, and executed again only across a crash; an expired approval's
 * task never executed and nothing short-lived is still parked; a terminal state never changed
 * between two observations; reroutes have their alternative; no 5xx.
 * @example const verdict = verifyTorture({ outcomes, ledger, calls: recorder.calls, view });
 */
export function verifyTorture(input: { outcomes: ScenarioOutcome[]; ledger: Ledger; calls: ExecutorCall[]; view: FinalView }): Verdict {
  const { outcomes, ledger, calls, view } = input;
  const violations: string[] = [];
  const fail = (message: string) => {
    if (violations.length < 200) violations.push(message);
  };
  const knownIssues: string[] = [];
  const alternatives = new Set(outcomes.flatMap((o) => (o.alternativeTaskId ? [o.alternativeTaskId] : [])));
  const seen = new Set(ledger.observations.map((o) => o.taskId));
  for (const id of view.missing) {
    // Recovery submits the alternative of a reroute a kill cut short, so a missing one is a loss too.
    if (alternatives.has(id) && !seen.has(id)) fail(`alternative ${id} was never created (its reroute was cut by a kill after it committed)`);
    else fail(`acknowledged task ${id} is lost (404)`);
  }
  for (const read of view.failedReads) fail(read);
  for (const error of ledger.serverErrors) fail(`${error.method} ${error.path} answered ${error.status}: ${JSON.stringify(error.body)}`);

  // Every scenario ends as its answers allow; reroutes have their alternative, completed.
  for (const outcome of outcomes) {
    const task = view.tasks.get(outcome.taskId);
    if (!task) continue;
    if (!outcome.allowedFinal.includes(task.state)) fail(`task ${task.id} (${outcome.kind}) ended ${task.state}, expected ${outcome.allowedFinal.join(' or ')}`);
    if (outcome.alternativeTaskId) {
      const alternative = view.tasks.get(outcome.alternativeTaskId);
      if (alternative && alternative.state !== 'completed') fail(`alternative ${alternative.id} ended ${alternative.state}, expected completed`);
    }
  }

  // Executions: only with an allow verdict or an approved quorum; completed exactly once.
  const callsByKey = new Map<string, ExecutorCall[]>();
  for (const call of calls) callsByKey.set(call.key, [...(callsByKey.get(call.key) ?? []), call]);
  let reExecuted = 0;
  for (const [key, keyCalls] of callsByKey) {
    const task = view.tasks.get(key);
    if (!task) {
      fail(`the executor ran ${key}, which no client knows of`);
      continue;
    }
    const approval = task.approvalId ? view.approvals.get(task.approvalId) : undefined;
    if (!clearedToRun(task, approval)) fail(`task ${key} executed without an allow verdict or an approved quorum (state ${task.state}, approval ${approval?.status ?? 'none'})`);
    if (task.state !== 'completed' && task.state !== 'failed') fail(`task ${key} executed but ended ${task.state}`);
    if (keyCalls.length > 1) {
      reExecuted += 1;
      for (let i = 1; i < keyCalls.length; i += 1) {
        if (keyCalls[i]?.life === keyCalls[i - 1]?.life) fail(`task ${key} was executed twice in one life of the gate (no crash between)`);
      }
    }
  }
  let completed = 0;
  for (const task of view.tasks.values()) {
    const completions = task.history.filter((step) => step.to === 'completed').length;
    if (task.state === 'completed') {
      completed += 1;
      if (completions !== 1) fail(`task ${task.id} completed ${completions} times`);
      const keyCalls = callsByKey.get(task.id) ?? [];
      if (keyCalls.length === 0) fail(`task ${task.id} completed without the executor being called`);
      else if (!keyCalls.some((call) => call.executionId === task.result?.executionId)) fail(`task ${task.id} completed with an answer no executor call gave`);
    } else if (completions > 0) fail(`task ${task.id} is ${task.state} but its history shows a completion`);
  }

  // Expiries honoured.
  let approvalsExpired = 0;
  for (const approval of view.approvals.values()) {
    if (approval.status !== 'expired') continue;
    approvalsExpired += 1;
    const task = view.tasks.get(approval.taskId);
    if (task && task.state !== 'expired') fail(`approval ${approval.id} expired but task ${task.id} is ${task.state}`);
    if (callsByKey.has(approval.taskId)) fail(`task ${approval.taskId} executed although its approval expired`);
  }
  for (const outcome of outcomes) {
    if (outcome.kind === 'expiry' && view.tasks.get(outcome.taskId)?.state === 'parked') fail(`task ${outcome.taskId} (ttl 1 s) is still parked at the end`);
  }

  const terminalObservationsChecked = checkTerminalStability(ledger, fail);
  const finalStates: Record<string, number> = {};
  for (const task of view.tasks.values()) finalStates[task.state] = (finalStates[task.state] ?? 0) + 1;
  return {
    violations,
    knownIssues,
    counts: {
      acknowledged: ledger.acknowledged.size,
      tasksChecked: view.tasks.size,
      executedKeys: callsByKey.size,
      executorCalls: calls.length,
      reExecutedAfterCrash: reExecuted,
      completed,
      approvalsExpired,
      observations: ledger.observations.length,
      terminalObservationsChecked,
      finalStates,
    },
  };
}

/** Allowed to run: SecOps allowed it (only ever low or medium risk at default autonomy), or a quorum approved it. */
function clearedToRun(task: FinalTask, approval: FinalApproval | undefined): boolean {
  if (task.verdict?.decision === 'allow') return task.riskLevel !== null && AUTO_RISKS.has(task.riskLevel);
  if (approval?.status !== 'approved') return false;
  return new Set(approval.approvals.map((vote) => vote.by)).size >= approval.requiredApprovals;
}

/**
 * For each task, once a response showed it terminal, every response to a request *started
 * after that response ended* shows the same state. Returns how many terminal observations were
 * checked.
 */
function checkTerminalStability(ledger: Ledger, fail: (message: string) => void): number {
  const byTask = new Map<string, typeof ledger.observations>();
  for (const observation of ledger.observations) {
    const list = byTask.get(observation.taskId) ?? [];
    list.push(observation);
    byTask.set(observation.taskId, list);
  }
  let checked = 0;
  for (const [taskId, list] of byTask) {
    const terminal = list.filter((o) => TERMINAL.has(o.state)).sort((a, b) => a.end - b.end)[0];
    if (!terminal) continue;
    checked += 1;
    for (const later of list) {
      if (later.start > terminal.end && later.state !== terminal.state) {
        fail(`task ${taskId} was ${terminal.state} (seen by ${terminal.end}) and later ${later.state}`);
        break;
      }
    }
  }
  return checked;
}
