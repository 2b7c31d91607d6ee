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
    expect(locked.body.setting).toMatchObject({ level: 'locked', previous: 'semi', setBy: 'system', cause: 'security_incident' });
    const again = await h.call('POST', '/api/v1/autonomy/downgrades', { as: 'admin', body: { agentId: 'agent-1', cause: 'budget_exhausted', reason: 'spent' } });
    expect(again.body).toEqual({ setting: null });
    expect((await h.submit(PROPOSALS.human)).state).toBe('denied');
  });
});
