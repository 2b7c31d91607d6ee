import type { StoreCorruptor } from './corruptor.ts';
import type { GateClient } from './gate-client.ts';
import type { Ledger } from './ledger.ts';
import type { ScenarioOutcome } from './scenarios.ts';

/** What the quarantine phase saw. */
export interface QuarantineReport {
  snapshotVictim: { taskId: string; decision: number; state: string; reason: string };
  approvalVictim: { taskId: string; approvalId: string; listStatus: number; getStatus: number; decision: number; state: string; reason: string };
  bystandersCompleted: number;
  newTaskState: string;
  violations: string[];
  outcomes: ScenarioOutcome[];
}

const BYSTANDERS = 3;

/** The five parked tasks of the quarantine phase. */
export interface QuarantineSubjects {
  snapshotVictim: { id: string; approvalId: string };
  approvalVictim: { id: string; approvalId: string };
  bystanders: Array<{ id: string; approvalId: string }>;
}

/**
 * Parks the quarantine phase's five tasks (long deadline) before the chaos starts: two victims
 * and three bystanders.
 * @example const subjects = await parkQuarantineSubjects(client, ledger, runId);
 */
export async function parkQuarantineSubjects(client: GateClient, ledger: Ledger, runId: string): Promise<QuarantineSubjects> {
  const parked: Array<{ id: string; approvalId: string }> = [];
  for (let i = 0; i < 2 + BYSTANDERS; i += 1) {
    const body = { actionType: 'vcs:push', title: `quarantine phase ${i}`, args: { branch: `q/${i}` }, ttlSeconds: 3_600, idempotencyKey: `${runId}-q-${i}` };
    const answer = await client.call('POST', '/api/v1/tasks', 'agent1', body);
    if (answer.body?.task?.state !== 'parked') throw new Error(`quarantine phase: task ${i} answered ${answer.status} ${JSON.stringify(answer.body)}`);
    ledger.acknowledged.set(answer.body.task.id, { taskId: answer.body.task.id, scenario: 'quarantine', idempotencyKey: body.idempotencyKey, agent: 'agent1', status: answer.status });
    parked.push({ id: answer.body.task.id, approvalId: answer.body.task.approvalId });
  }
  const [snapshotVictim, approvalVictim, ...bystanders] = parked as [(typeof parked)[0], (typeof parked)[0], ...typeof parked];
  return { snapshotVictim, approvalVictim, bystanders };
}

/**
 * Damages the victims while the gate is down (the driver calls it during one of its kills):
 * one task's snapshot, the other task's approval record.
 * @example await supervisor.killAndRestart(progress, 0, () => corruptQuarantineSubjects(corruptor, subjects));
 */
export async function corruptQuarantineSubjects(corruptor: StoreCorruptor, subjects: QuarantineSubjects): Promise<void> {
  await corruptor.corruptSnapshot(subjects.snapshotVictim.id);
  await corruptor.corruptApproval(subjects.approvalVictim.approvalId);
}

/**
 * After the chaos: exactly the two damaged tasks are quarantined with a clear reason when
 * someone acts on them (409, never a 5xx; the queue still lists), while the three bystanders
 * are approved and complete and new work is accepted.
 * @example const report = await checkQuarantine(client, ledger, subjects, runId);
 */
export async function checkQuarantine(client: GateClient, ledger: Ledger, subjects: QuarantineSubjects, runId: string): Promise<QuarantineReport> {
  const { snapshotVictim, approvalVictim, bystanders } = subjects;
  const violations: string[] = [];
  const expect = (ok: boolean, message: string) => {
    if (!ok) violations.push(message);
  };
  // The queue and the damaged approval can still be read.
  const list = await client.call('GET', '/api/v1/approvals?status=pending&limit=200', 'alice');
  expect(list.status === 200, `GET /approvals with a corrupt approval row answered ${list.status}: ${JSON.stringify(list.body)}`);
  const got = await client.call('GET', `/api/v1/approvals/${approvalVictim.approvalId}`, 'alice');
  expect(got.status < 500, `GET /approvals/{id} of the corrupt approval answered ${got.status}`);
  const before = await client.call('GET', `/api/v1/tasks/${snapshotVictim.id}`, 'alice');
  expect(before.status === 200, `GET /tasks/{id} of the corrupt snapshot answered ${before.status}`);

  // Acting on them quarantines them: 409, then state quarantined with the reason.
  const victim = async (taskId: string, approvalId: string, what: string) => {
    const decision = await client.call('POST', `/api/v1/approvals/${approvalId}/approve`, 'alice', {});
    expect(decision.status === 409, `approving the task with the ${what} answered ${decision.status}, expected 409: ${JSON.stringify(decision.body)}`);
    const task = await client.call('GET', `/api/v1/tasks/${taskId}`, 'alice');
    const reason: string = task.body?.error?.message ?? '';
    expect(task.body?.state === 'quarantined', `the task with the ${what} is ${task.body?.state}, expected quarantined`);
    expect(reason.length > 0, `the task with the ${what} has no quarantine reason`);
    return { decision: decision.status, state: String(task.body?.state), reason };
  };
  const snapshotResult = await victim(snapshotVictim.id, snapshotVictim.approvalId, 'corrupt snapshot');
  const approvalResult = await victim(approvalVictim.id, approvalVictim.approvalId, 'corrupt approval record');
  expect(/approval/i.test(approvalResult.reason), `the corrupt approval's quarantine reason does not say so: ${approvalResult.reason}`);
  const listAfter = await client.call('GET', '/api/v1/approvals?limit=200', 'alice');
  expect(listAfter.status === 200, `GET /approvals after quarantine answered ${listAfter.status}`);

  // Everything else goes on.
  let bystandersCompleted = 0;
  for (const bystander of bystanders) {
    const answer = await client.call('POST', `/api/v1/approvals/${bystander.approvalId}/approve`, 'bob', {});
    if (answer.status === 200 && answer.body.task.state === 'completed') bystandersCompleted += 1;
    else violations.push(`bystander ${bystander.id} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  const fresh = await client.call('POST', '/api/v1/tasks', 'agent2', { actionType: 'code:read', title: 'after quarantine', args: { path: 'x' }, idempotencyKey: `${runId}-q-fresh` });
  if (fresh.body?.task) ledger.acknowledged.set(fresh.body.task.id, { taskId: fresh.body.task.id, scenario: 'quarantine', idempotencyKey: `${runId}-q-fresh`, agent: 'agent2', status: fresh.status });
  expect(fresh.body?.task?.state === 'completed', `a new task after the quarantines answered ${fresh.status} ${JSON.stringify(fresh.body)}`);

  const outcomes: ScenarioOutcome[] = [
    { index: -1, kind: 'quarantineVictim', taskId: snapshotVictim.id, allowedFinal: ['quarantined'] },
    { index: -2, kind: 'quarantineVictim', taskId: approvalVictim.id, allowedFinal: ['quarantined'] },
    ...bystanders.map((b, i) => ({ index: -3 - i, kind: 'bystander' as const, taskId: b.id, allowedFinal: ['completed'] })),
  ];
  if (fresh.body?.task) outcomes.push({ index: -10, kind: 'bystander', taskId: fresh.body.task.id, allowedFinal: ['completed'] });
  return {
    snapshotVictim: { taskId: snapshotVictim.id, ...snapshotResult },
    approvalVictim: { taskId: approvalVictim.id, approvalId: approvalVictim.approvalId, listStatus: list.status, getStatus: got.status, ...approvalResult },
    bystandersCompleted,
    newTaskState: String(fresh.body?.task?.state),
    violations,
    outcomes,
  };
}
