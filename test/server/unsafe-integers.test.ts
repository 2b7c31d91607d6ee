import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppHarness, problemCode } from './support/app-harness.ts';

// An agent proposed { messageId: 1234567890123456789 } (a 64-bit id, as Python or Go send it): the
// gate kept, showed the approver and sent its executor 1234567890123456800 — another message than
// the one the agent meant, silently. JSON numbers are doubles here: an integer literal beyond
// 2^53 − 1 cannot be kept as sent, so it is refused, and the agent sends it as a string.
describe('integers a JSON body cannot carry exactly (found by an integrator trial)', () => {
  let h: AppHarness;
  beforeEach(() => {
    h = new AppHarness();
  });
  afterEach(async () => {
    await h.close();
  });
  const json = { 'content-type': 'application/json' };

  it('refuses an integer literal beyond 2^53 − 1 anywhere in a proposal (400 naming where), nothing kept', async () => {
    for (const [raw, path] of [
      ['{"actionType":"code:read","title":"x","args":{"messageId":1234567890123456789}}', 'args.messageId'],
      ['{"actionType":"code:read","title":"x","args":{"ids":[1,-9007199254740993]}}', 'args.ids.1'],
      ['{"actionType":"code:read","title":"x","metadata":{"run":18446744073709551615}}', 'metadata.run'],
    ] as const) {
      const answer = await h.call('POST', '/api/v1/tasks', { raw, headers: json });
      expect([answer.status, problemCode(answer), answer.body.issues?.[0]?.path]).toEqual([400, 'validation_failed', path]);
      expect(answer.body.detail).toMatch(/send it as a string/);
    }
    expect((await h.call('GET', '/api/v1/tasks')).body.items).toHaveLength(0);
  });

  it('takes safe integers, floats written as floats, and long digit strings', async () => {
    const raw = '{"actionType":"code:read","title":"x","args":{"max":9007199254740991,"min":-9007199254740991,"big":1e300,"f":12345678901234567.5,"id":"1234567890123456789"}}';
    const answer = await h.call('POST', '/api/v1/tasks', { raw, headers: json });
    expect(answer.status).toBe(201);
    expect(answer.body.task.args).toEqual({ max: 9007199254740991, min: -9007199254740991, big: 1e300, f: 12345678901234568, id: '1234567890123456789' });
  });

  it('refuses one in a reroute\'s alternative args too', async () => {
    const parked = (await h.call('POST', '/api/v1/tasks', { body: { actionType: 'vcs:push', title: 'push', args: { branch: 'main' } } })).body.task;
    const raw = '{"reason":"smaller","alternative":{"actionType":"code:read","args":{"pr":12345678901234567890}}}';
    const answer = await h.call('POST', `/api/v1/approvals/${parked.approvalId}/reroute`, { as: 'alice', raw, headers: json });
    expect([answer.status, problemCode(answer), answer.body.issues?.[0]?.path]).toEqual([400, 'validation_failed', 'alternative.args.pr']);
  });
});
