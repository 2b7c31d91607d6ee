import { afterEach, describe, expect, it } from 'vitest';
import { defaultPolicyRuntime } from '../../src/engine/default-policy-runtime.ts';
import { ErrorRateTracker } from '../../src/engine/error-rate.ts';
import { ForbiddenError, ValidationError } from '../../src/errors.ts';
import type { Principal } from '../../src/model/principal.ts';
import { EngineHarness } from '../support/engine-harness.ts';

const admin: Principal = { id: 'root', roles: ['admin'] };
const alice: Principal = { id: 'alice', roles: ['approver'], maxRisk: 'critical' };
const observer: Principal = { id: 'olga', roles: ['observer'] };
const bot: Principal = { id: 'bot-1', roles: ['agent'] };

const push = (agentId = bot.id, department?: string) => ({ actionType: 'vcs:push', title: 'push', args: { branch: 'main' }, agentId, ...(department ? { department } : {}) });
const read = (agentId = bot.id, extra: Record<string, unknown> = {}) => ({ actionType: 'code:read', title: 'read', args: { path: 'src/a.ts', ...extra }, agentId });

describe.each(['memory', 'sqlite'] as const)('autonomy on %s', (kind) => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness?.close();
  });
  const open = async () => {
    harness = await EngineHarness.open({ kind, policy: defaultPolicyRuntime() });
    return harness.engine;
  };

  it('changes verdicts: a human raises an agent to full, and its high-risk action runs at once', async () => {
    const engine = await open();
    expect((await engine.submit(push())).task.state).toBe('parked');
    const setting = await engine.setAutonomy({ scope: 'agent', subject: bot.id, level: 'full', reason: 'trusted release bot' }, alice);
    expect(setting).toMatchObject({ scope: 'agent', subject: bot.id, level: 'full', previous: 'semi', setBy: 'alice' });
    const { task } = await engine.submit(push());
    expect(task).toMatchObject({ state: 'completed', autonomy: 'full', verdict: { decision: 'allow' } });
  });

  it('never lets an id raise its own agent level, whatever roles the principal presenting it holds (found by a security trial)', async () => {
    const engine = await open();
    // An embedder (or a tokens file of an older release) may present the agent's id with approver roles only.
    const botAsApprover: Principal = { id: 'bot-1', roles: ['approver'], maxRisk: 'critical' };
    await expect(engine.setAutonomy({ scope: 'agent', subject: 'bot-1', level: 'full', reason: 'mine' }, botAsApprover)).rejects.toMatchObject({ code: 'self_approval' });
    expect(await engine.autonomyOf('bot-1')).toBe('semi');
    // Lowering its own level stays allowed.
    expect((await engine.setAutonomy({ scope: 'agent', subject: 'bot-1', level: 'supervised', reason: 'careful' }, botAsApprover)).level).toBe('supervised');
  });

  it('resolves agent → department → company, the most specific level winning', async () => {
    const engine = await open();
    await engine.setAutonomy({ scope: 'company', level: 'supervised', reason: 'quarter close' }, admin);
    await engine.setAutonomy({ scope: 'department', subject: 'platform', level: 'full', reason: 'platform team' }, admin);
    await engine.setAutonomy({ scope: 'agent', subject: 'bot-2', level: 'locked', reason: 'new agent' }, admin);
    expect(await engine.autonomyOf('bot-9')).toBe('supervised');
    expect(await engine.autonomyOf('bot-9', 'platform')).toBe('full');
    expect(await engine.autonomyOf('bot-2', 'platform')).toBe('locked');
    expect((await engine.submit(push('bot-9', 'platform'))).task.state).toBe('completed');
    expect((await engine.submit(push('bot-2', 'platform'))).task.state).toBe('denied');
  });

  it('lets only a human raise a level; an agent may lower only its own; observers nothing', async () => {
    const engine = await open();
    await expect(engine.setAutonomy({ scope: 'agent', subject: bot.id, level: 'full', reason: 'me' }, bot)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(engine.setAutonomy({ scope: 'agent', subject: 'bot-2', level: 'locked', reason: 'x' }, bot)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(engine.setAutonomy({ scope: 'agent', subject: bot.id, level: 'locked', reason: 'x' }, observer)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await engine.listAutonomy()).toEqual([]);
    const lowered = await engine.setAutonomy({ scope: 'agent', subject: bot.id, level: 'supervised', reason: 'careful today' }, bot);
    expect(lowered).toMatchObject({ level: 'supervised', previous: 'semi', setBy: bot.id });
    // Back up to where it was is a raise: the agent may not.
    await expect(engine.setAutonomy({ scope: 'agent', subject: bot.id, level: 'semi', reason: 'done' }, bot)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('rejects malformed changes and stores nothing', async () => {
    const engine = await open();
    const bad = [
      { scope: 'agent', level: 'full', reason: 'no subject' },
      { scope: 'company', subject: 'x', level: 'full', reason: 'subject on company' },
      { scope: 'agent', subject: 'a', level: 'turbo', reason: 'unknown level' },
      { scope: 'team', subject: 'a', level: 'full', reason: 'unknown scope' },
      { scope: 'agent', subject: 'a', level: 'full', reason: '   ' },
      { scope: 'agent', subject: 'a', level: 'full', reason: 'extra', by: 'mallory' },
    ];
    for (const change of bad) {
      await expect(engine.setAutonomy(change as never, admin)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await engine.listAutonomy()).toEqual([]);
    expect((await harness.store.readAudit({})).filter((e) => e.action === 'autonomy.changed')).toEqual([]);
  });

  it('downgrades automatically (budget → supervised, incident → locked), never raises, and audits each change', async () => {
    const engine = await open();
    const budget = await engine.downgradeAutonomy(bot.id, 'budget_exhausted', 'monthly budget spent');
    expect(budget).toMatchObject({ level: 'supervised', previous: 'semi', setBy: 'system', cause: 'budget_exhausted' });
    expect((await engine.submit({ actionType: 'code:write', title: 'w', args: { path: 'a.ts' }, agentId: bot.id })).task.state).toBe('parked');
    expect(await engine.downgradeAutonomy(bot.id, 'budget_exhausted', 'again')).toBeNull();
    const incident = await engine.downgradeAutonomy(bot.id, 'security_incident', 'leaked a token');
    expect(incident).toMatchObject({ level: 'locked', previous: 'supervised' });
    expect((await engine.submit(push())).task.state).toBe('denied');
    expect(await engine.downgradeAutonomy(bot.id, 'error_rate', 'failing')).toBeNull();
    const audit = (await harness.store.readAudit({})).filter((e) => e.action === 'autonomy.changed');
    expect(audit.map((e) => [e.actor, e.data.level, e.data.cause])).toEqual([
      ['system', 'supervised', 'budget_exhausted'],
      ['system', 'locked', 'security_incident'],
    ]);
    expect((await harness.store.verifyAudit()).ok).toBe(true);
  });

  it('drops an agent one level when its executions fail too often', async () => {
    const engine = await open();
    for (let i = 0; i < 9; i += 1) expect((await engine.submit(read(bot.id, { failExecution: true, i }))).task.state).toBe('failed');
    expect(await engine.autonomyOf(bot.id)).toBe('semi');
    await engine.submit(read(bot.id, { failExecution: true, i: 9 }));
    await waitFor(async () => (await engine.autonomyOf(bot.id)) === 'supervised');
    const [entry] = (await harness.store.readAudit({})).filter((e) => e.action === 'autonomy.changed');
    expect(entry).toMatchObject({ actor: 'system', data: { subject: bot.id, level: 'supervised', previous: 'semi', cause: 'error_rate' } });
    // Other agents are untouched.
    expect(await engine.autonomyOf('bot-2')).toBe('semi');
  });

  it('does not hold an outage of the executor against the agent: those failures are not counted, the others still are', async () => {
    const engine = await open();
    const outages = ['executor_unreachable', 'executor_unavailable', 'execution_outcome_unknown'];
    for (let i = 0; i < 30; i += 1) {
      const { task } = await engine.submit(read(bot.id, { failWith: outages[i % 3], i }));
      expect(task).toMatchObject({ state: 'failed', error: { code: outages[i % 3] } });
    }
    expect(await engine.autonomyOf(bot.id)).toBe('semi');
    // The action's own failures still count, from where the window stood.
    for (let i = 0; i < 10; i += 1) await engine.submit(read(bot.id, { failExecution: true, i }));
    await waitFor(async () => (await engine.autonomyOf(bot.id)) === 'supervised');
  });

  it('keeps levels across a restart', async () => {
    const engine = await open();
    await engine.setAutonomy({ scope: 'agent', subject: bot.id, level: 'full', reason: 'trusted' }, admin);
    await harness.restart();
    expect(await harness.engine.autonomyOf(bot.id)).toBe('full');
    expect((await harness.engine.submit(push())).task.state).toBe('completed');
  });
});

describe('error rate tracker', () => {
  it('trips once at the threshold with enough samples, then starts again', () => {
    const tracker = new ErrorRateTracker({ threshold: 0.5, window: 4, minSamples: 4 });
    expect([true, false, true].map((failed) => tracker.record('a', failed))).toEqual([false, false, false]);
    expect(tracker.record('a', false)).toBe(true);
    expect(tracker.rateOf('a')).toBe(0);
    expect([false, false, false, true].map((failed) => tracker.record('a', failed))).toEqual([false, false, false, false]);
  });

  it('refuses nonsensical rules', () => {
    expect(() => new ErrorRateTracker({ threshold: 0, window: 4, minSamples: 2 })).toThrow(RangeError);
    expect(() => new ErrorRateTracker({ threshold: 0.5, window: 4, minSamples: 5 })).toThrow(RangeError);
  });
});

/** Polls until `condition` holds (the downgrade is written in the background); a loaded machine may take seconds. */
async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
