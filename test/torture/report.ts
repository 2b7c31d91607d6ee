import type { TortureReport } from './run-torture.ts';

/**
 * A torture report for people: what was done, what was proved, and every violation.
 * @example process.stdout.write(renderTortureReport(report, seed));
 */
export function renderTortureReport(report: TortureReport, seed: number): string {
  const { counts } = report.verdict;
  const q = report.quarantine;
  const downs = report.kills.map((k) => k.downMs).sort((a, b) => a - b);
  const lines = [
    `crash torture on ${report.dbUrl} (seed ${seed}): ${report.seconds} s`,
    `  kills: ${report.kills.length} SIGKILLs (rows damaged during the first); down ${downs[0] ?? 0}–${downs.at(-1) ?? 0} ms (median ${downs[Math.floor(downs.length / 2)] ?? 0})`,
    `  requests cut by a kill and retried: ${report.retries}`,
    `  tasks acknowledged: ${counts.acknowledged}; read back at the end: ${counts.tasksChecked} (incl. alternatives); final states ${JSON.stringify(counts.finalStates)}`,
    `  decisions: ${report.decisions.total} (${report.decisions.won} took effect, ${report.decisions.conflicts} answered 409, ${report.decisions.retried} retried after a crash)`,
    `  executor: ${counts.executorCalls} calls for ${counts.executedKeys} distinct keys; ${counts.reExecutedAfterCrash} keys called again after a crash; ${counts.completed} tasks completed exactly once`,
    `  approvals expired by the sweeper: ${counts.approvalsExpired}, none of their tasks executed`,
    `  observations: ${counts.observations}; terminal states checked for change: ${counts.terminalObservationsChecked}`,
    `  quarantine: corrupt snapshot → ${q.snapshotVictim.decision} then ${q.snapshotVictim.state} ("${q.snapshotVictim.reason}")`,
    `              corrupt approval → list ${q.approvalVictim.listStatus}, get ${q.approvalVictim.getStatus}, approve ${q.approvalVictim.decision} then ${q.approvalVictim.state} ("${q.approvalVictim.reason}")`,
    `              bystanders completed ${q.bystandersCompleted}/3, new task ${q.newTaskState}`,
    `  audit chain (tollgate audit verify): ${report.audit.ok ? 'ok' : `BROKEN at ${report.audit.brokenAt}`}, ${report.audit.entries} entries`,
    `  server error log lines: ${report.serverErrorLogs.length}`,
    report.verdict.knownIssues.length === 0
      ? '  known issues hit: none'
      : `  KNOWN ISSUES hit (${report.verdict.knownIssues.length}, not failed on):\n${report.verdict.knownIssues.map((v) => `    - ${v}`).join('\n')}`,
    report.violations.length === 0 ? '  violations: none' : `  VIOLATIONS (${report.violations.length}):\n${report.violations.map((v) => `    - ${v}`).join('\n')}`,
  ];
  return `${lines.join('\n')}\n`;
}
