import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyRuntime } from '../../src/engine/default-policy-runtime.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { PROPOSALS, tokenOf } from './support/app-harness.ts';
import { ServerFiles, ServerProcess } from './support/spawn-server.ts';

/** Ten approvers allowed to decide critical actions, beside the test principals. */
const APPROVERS = Array.from({ length: 10 }, (_, i) => ({ token: `racing-approver-${i}`.padEnd(32, '0'), principal: { id: `approver-${i}`, roles: ['approver'], maxRisk: 'critical' } }));

describe('the real server on loopback: racing decisions and deadlines (SQLite, sweeper every 100 ms)', () => {
  const files = new ServerFiles();
  /** The default policy under another name: the server must run this file, not its built-in copy. */
  const POLICY = { ...DEFAULT_POLICY, version: 'loopback-test-1' };
  const policyPath = join(files.dir, 'policy.json');
  let server: ServerProcess;
  beforeAll(async () => {
    const { GRANTS } = await import('./support/app-harness.ts');
    writeFileSync(files.tokens, JSON.stringify([...GRANTS, ...APPROVERS]));
    writeFileSync(policyPath, JSON.stringify(POLICY));
    server = await ServerProcess.start(files, ['--sweep-interval-ms', '100', '--policy', policyPath]);
  });
  afterAll(async () => {
    await server?.stop('SIGTERM');
    files.remove();
  });

  /** Fires 100 approve/reject calls at once, from ten approvers, and checks what happened. */
  async function race(proposal: object) {
    const task = (await server.call('POST', '/api/v1/tasks', { token: tokenOf('agent'), body: proposal })).body.task;
    expect(task.state).toBe('parked');
    expect(task.verdict.policyVersion).toBe(policyRuntime(POLICY).version);
    const calls = Array.from({ length: 100 }, (_, i) => {
      const approver = APPROVERS[i % APPROVERS.length]!;
      const kind = i % 3 === 2 ? 'reject' : 'approve';
      return server.call('POST', `/api/v1/approvals/${task.approvalId}/${kind}`, {
        token: approver.token,
        body: kind === 'reject' ? { reason: `no from ${approver.principal.id}` } : { comment: `yes from ${approver.principal.id}` },
      });
    });
    const answers = await Promise.all(calls);
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 200 || s === 409), JSON.stringify(answers.filter((a) => a.status !== 200 && a.status !== 409))).toBe(true);
    const conflicts = new Set(answers.filter((a) => a.status === 409).map((a) => a.body.code));
    for (const code of conflicts) expect(['not_pending', 'already_voted', 'invalid_transition']).toContain(code);

    const final = (await server.call('GET', `/api/v1/tasks/${task.id}`, { token: tokenOf('viewer') })).body;
    const approval = (await server.call('GET', `/api/v1/approvals/${task.approvalId}`, { token: tokenOf('viewer') })).body;
    const audit = (await server.call('GET', `/api/v1/audit?taskId=${task.id}`, { token: tokenOf('viewer') })).body.items as { action: string; actor: string }[];
    const decisions = audit.filter((entry) => ['approval.approved', 'approval.rejected', 'approval.expired', 'approval.cancelled'].includes(entry.action));
    const endings = final.history.filter((step: { to: string }) => ['completed', 'failed', 'denied', 'rerouted', 'expired', 'cancelled'].includes(step.to));
    return { task, final, approval, answers, decisions, endings, votes: audit.filter((entry) => entry.action === 'approval.vote') };
  }

  it('one approval needed: exactly one decision, the task ends once, one decision entry in the audit log', async () => {
    const { final, approval, answers, decisions, endings } = await race(PROPOSALS.human);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(decisions).toHaveLength(1);
    expect(endings).toHaveLength(1);
    expect(['approved', 'rejected']).toContain(approval.status);
    expect(final.state).toBe(approval.status === 'approved' ? 'completed' : 'denied');
    expect(decisions[0]?.actor).toBe(approval.decidedBy);
  });

  it('a quorum of two: at most two votes count, one final decision, the task ends once', async () => {
    const { final, approval, decisions, endings, votes } = await race(PROPOSALS.critical);
    expect(decisions).toHaveLength(1);
    expect(endings).toHaveLength(1);
    expect(approval.approvals.length).toBeLessThanOrEqual(2);
    expect(new Set(approval.approvals.map((v: { by: string }) => v.by)).size).toBe(approval.approvals.length);
    expect(votes.length).toBeLessThanOrEqual(1);
    expect(final.state).toBe(approval.status === 'approved' ? 'completed' : 'denied');
    expect((await server.call('GET', '/api/v1/audit/verify', { token: tokenOf('viewer') })).body.ok).toBe(true);
  });

  it('expires an approval with ttlSeconds 1 within a sweep interval; the task ends expired, never executed', async () => {
    const task = (await server.call('POST', '/api/v1/tasks', { token: tokenOf('agent'), body: { ...PROPOSALS.human, ttlSeconds: 1 } })).body.task;
    const approval = (await server.call('GET', `/api/v1/approvals/${task.approvalId}`, { token: tokenOf('viewer') })).body;
    const started = Date.now();
    const ended = (await server.call('GET', `/api/v1/tasks/${task.id}/wait?timeoutMs=10000`, { token: tokenOf('viewer') })).body;
    expect(ended.state).toBe('expired');
    expect(ended.result).toBeNull();
    expect(ended.history.map((step: { to: string }) => step.to)).not.toContain('executing');
    // Deadline plus one interval, with slack for a loaded machine.
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(approval.expiresAt) - 5);
    expect(Date.now() - started).toBeLessThan(5_000);
    const expired = (await server.call('GET', `/api/v1/approvals/${task.approvalId}`, { token: tokenOf('viewer') })).body;
    expect(expired).toMatchObject({ status: 'expired', decidedBy: 'system' });
    const late = await server.call('POST', `/api/v1/approvals/${task.approvalId}/approve`, { token: tokenOf('alice'), body: {} });
    expect([late.status, late.body.code]).toEqual([409, 'not_pending']);
    const audit = (await server.call('GET', `/api/v1/audit?taskId=${task.id}`, { token: tokenOf('viewer') })).body.items;
    expect(audit.filter((e: { action: string }) => e.action === 'approval.expired')).toEqual([expect.objectContaining({ actor: 'system' })]);
  });
});
