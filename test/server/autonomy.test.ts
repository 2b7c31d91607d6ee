import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppHarness, PROPOSALS, problemCode } from './support/app-harness.ts';

describe('autonomy API', () => {
  let h: AppHarness;
  beforeEach(() => {
    h = new AppHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('a human raises an agent to full: its high-risk action then runs at once; the change is audited', async () => {
    expect((await h.submit(PROPOSALS.human)).state).toBe('parked');
    const set = await h.call('POST', '/api/v1/autonomy', { as: 'alice', body: { scope: 'agent', subject: 'agent-1', level: 'full', reason: 'trusted release bot' } });
    expect(set.status).toBe(200);
    expect(set.body.setting).toMatchObject({ scope: 'agent', subject: 'agent-1', level: 'full', previous: 'semi', setBy: 'alice' });
    expect((await h.submit(PROPOSALS.human)).state).toBe('completed');
    const listed = await h.call('GET', '/api/v1/autonomy?agentId=agent-1', { as: 'viewer' });
    expect(listed.body).toMatchObject({ items: [{ subject: 'agent-1', level: 'full' }], effective: { agentId: 'agent-1', department: null, level: 'full' } });
    const audit = await h.call('GET', '/api/v1/audit', { as: 'viewer' });
    expect(audit.body.items.filter((e: { action: string }) => e.action === 'autonomy.changed')).toHaveLength(1);
  });

  it('403 when an agent raises itself or touches another, or an observer sets anything; nothing stored', async () => {
    const attempts = [
      { as: 'agent', body: { scope: 'agent', subject: 'agent-1', level: 'full', reason: 'me' } },
      { as: 'agent', body: { scope: 'agent', subject: 'agent-2', level: 'locked', reason: 'them' } },
      { as: 'viewer', body: { scope: 'company', level: 'locked', reason: 'x' } },
    ] as const;
    for (const { as, body } of attempts) {
      const answer = await h.call('POST', '/api/v1/autonomy', { as, body });
      expect([as, answer.status, problemCode(answer)]).toEqual([as, 403, 'forbidden']);
    }
    expect((await h.call('GET', '/api/v1/autonomy')).body.items).toEqual([]);
    const own = await h.call('POST', '/api/v1/autonomy', { as: 'agent', body: { scope: 'agent', subject: 'agent-1', level: 'supervised', reason: 'careful' } });
    expect(own.body.setting).toMatchObject({ level: 'supervised', setBy: 'agent-1' });
  });

  it('400 for malformed changes', async () => {
    for (const body of [
      { scope: 'agent', level: 'full', reason: 'no subject' },
      { scope: 'company', subject: 'x', level: 'full', reason: 'subject on company' },
      { scope: 'agent', subject: 'a', level: 'turbo', reason: 'x' },
      { scope: 'agent', subject: 'a', level: 'full', reason: '' },
    ]) {
      const answer = await h.call('POST', '/api/v1/autonomy', { as: 'admin', body });
      expect([answer.status, problemCode(answer)]).toEqual([400, 'validation_failed']);
    }
  });

  it('downgrades on a reported incident (admin only), never raising', async () => {
    const forbidden = await h.call('POST', '/api/v1/autonomy/downgrades', { as: 'alice', body: { agentId: 'agent-1', cause: 'security_incident', reason: 'leak' } });
    expect([forbidden.status, problemCode(forbidden)]).toEqual([403, 'forbidden']);
    const locked = await h.call('POST', '/api/v1/autonomy/downgrades', { as: 'admin', body: { agentId: 'agent-1', cause: 'security_incident', reason: 'leaked a token' } });
    // Reported by a person: the audit names them (an automatic downgrade's actor is system).
    expect(locked.body.setting).toMatchObject({ level: 'locked', previous: 'semi', setBy: 'admin', cause: 'security_incident' });
    const audited = await h.store.readAudit({});
    expect(audited.filter((entry) => entry.action === 'autonomy.changed').at(-1)).toMatchObject({ actor: 'admin' });
    const again = await h.call('POST', '/api/v1/autonomy/downgrades', { as: 'admin', body: { agentId: 'agent-1', cause: 'budget_exhausted', reason: 'spent' } });
    expect(again.body).toEqual({ setting: null });
    expect((await h.submit(PROPOSALS.human)).state).toBe('denied');
  });

  it('a raise is deciding in advance: up to the raiser\'s risk ceiling, and never for their own tasks', async () => {
    const raise = (as: 'mel' | 'sam' | 'carol' | 'admin', body: object) => h.call('POST', '/api/v1/autonomy', { as, body: { reason: 'test', ...body } });
    // semi → full lets high-risk actions run unapproved: above mel's medium.
    const tooHigh = await raise('mel', { scope: 'company', level: 'full' });
    expect([tooHigh.status, problemCode(tooHigh)]).toEqual([403, 'risk_exceeds_role']);
    expect(tooHigh.body.detail).toMatch(/lets high-risk actions run with fewer approvals; mel may decide up to medium/);
    expect((await raise('mel', { scope: 'agent', subject: 'agent-1', level: 'full' })).status).toBe(403);
    // supervised → semi loosens medium only: within mel's ceiling.
    expect((await raise('admin', { scope: 'agent', subject: 'agent-1', level: 'supervised' })).status).toBe(200);
    expect((await raise('mel', { scope: 'agent', subject: 'agent-1', level: 'semi' })).status).toBe(200);
    // sam submits tasks too: raising its own level, or the company's, would approve its own actions.
    for (const body of [{ scope: 'agent', subject: 'sam', level: 'full' }, { scope: 'company', level: 'full' }]) {
      const own = await raise('sam', body);
      expect([own.status, problemCode(own)]).toEqual([403, 'self_approval']);
    }
    expect((await raise('sam', { scope: 'agent', subject: 'agent-2', level: 'full' })).status).toBe(200);
    // Lowering is never limited.
    expect((await raise('mel', { scope: 'company', level: 'locked' })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/autonomy')).body.items.map((s: { subject: string; setBy: string }) => `${s.subject}:${s.setBy}`).sort()).toEqual(
      ['*:mel', 'agent-1:mel', 'agent-2:sam'].sort(),
    );
  });

  it('a department is the token\'s, not the request\'s: an unbound agent may name one only to tighten', async () => {
    expect((await h.call('POST', '/api/v1/autonomy', { as: 'admin', body: { scope: 'department', subject: 'research', level: 'full', reason: 'lab' } })).status).toBe(200);
    expect((await h.call('POST', '/api/v1/autonomy', { as: 'admin', body: { scope: 'department', subject: 'ops', level: 'supervised', reason: 'prod' } })).status).toBe(200);
    const borrowed = await h.call('POST', '/api/v1/tasks', { as: 'agent', body: { ...PROPOSALS.human, department: 'research' } });
    expect([borrowed.status, problemCode(borrowed)]).toEqual([403, 'forbidden']);
    expect(borrowed.body.detail).toMatch(/department research would give agent-1 a looser autonomy level \(full\) than its own \(semi\)/);
    const medium = { actionType: 'code:write', title: 'Edit the billing module', args: { path: 'src/billing.ts' } };
    // Naming a stricter department is allowed: agent-1 under ops (supervised) waits for a human on medium risk.
    const tightened = await h.submit({ ...medium, department: 'ops' });
    expect([tightened.state, tightened.department]).toEqual(['parked', 'ops']);
    // ops-agent's token says ops: its tasks are ops' without asking, and it cannot leave for research.
    const bound = await h.submit(medium, 'opsAgent');
    expect([bound.state, bound.department]).toEqual(['parked', 'ops']);
    const escaped = await h.call('POST', '/api/v1/tasks', { as: 'opsAgent', body: { ...medium, department: 'research' } });
    expect([escaped.status, problemCode(escaped)]).toEqual([403, 'forbidden']);
    expect(escaped.body.detail).toMatch(/ops-agent belongs to department ops \(its token\)/);
    expect((await h.submit(medium)).state).toBe('completed');
  });

  it("an agent's level in force and its downgrades are reckoned in its token's department (a budget downgrade is never a silent no-op)", async () => {
    // The company is stricter than ops: ops-agent's tasks run at ops' semi, not the company's supervised.
    expect((await h.call('POST', '/api/v1/autonomy', { as: 'admin', body: { scope: 'company', level: 'supervised', reason: 'rollout' } })).status).toBe(200);
    expect((await h.call('POST', '/api/v1/autonomy', { as: 'admin', body: { scope: 'department', subject: 'ops', level: 'semi', reason: 'ops' } })).status).toBe(200);
    const medium = { actionType: 'code:write', title: 'Edit the billing module', args: { path: 'src/billing.ts' } };
    expect((await h.submit(medium, 'opsAgent')).state).toBe('completed');
    for (const as of ['opsAgent', 'admin'] as const) {
      const seen = await h.call('GET', '/api/v1/autonomy?agentId=ops-agent', { as });
      expect(seen.body.effective).toEqual({ agentId: 'ops-agent', department: 'ops', level: 'semi' });
    }
    const downgrade = await h.call('POST', '/api/v1/autonomy/downgrades', { as: 'admin', body: { agentId: 'ops-agent', cause: 'budget_exhausted', reason: 'spent' } });
    expect(downgrade.body.setting).toMatchObject({ scope: 'agent', subject: 'ops-agent', level: 'supervised', previous: 'semi', cause: 'budget_exhausted' });
    expect((await h.submit(medium, 'opsAgent')).state).toBe('parked');
  });
});
