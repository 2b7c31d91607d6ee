import { describe, expect, it } from 'vitest';
import { checkReject, checkReroute } from '../../visualizer/src/logic/decision-forms.ts';

describe('decision forms', () => {
  it('requires a reason to reject', () => {
    expect(checkReject('   ')).toEqual({ ok: false, errors: { reason: 'Give a reason: the agent and the audit log will see it.' } });
    expect(checkReject(' too risky ')).toEqual({ ok: true, body: { reason: 'too risky' } });
    expect(checkReject('x'.repeat(2_001)).ok).toBe(false);
  });

  it('checks a reroute field by field', () => {
    const result = checkReroute({ actionType: 'Deploy Staging', args: '[1]', title: '', reason: '' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['actionType', 'args', 'reason']);
    const bad = checkReroute({ actionType: 'deploy:staging', args: '{oops', title: '', reason: 'r' });
    expect(bad.ok === false && bad.errors.args).toMatch(/not valid JSON/);
  });

  it('builds the body the API takes', () => {
    expect(checkReroute({ actionType: ' deploy:staging ', args: '{"version":"1.4.0"}', title: ' Staging first ', reason: 'prod is frozen' })).toEqual({
      ok: true,
      body: { reason: 'prod is frozen', alternative: { actionType: 'deploy:staging', args: { version: '1.4.0' }, title: 'Staging first' } },
    });
    expect(checkReroute({ actionType: 'code:read', args: '  ', title: '', reason: 'r' })).toEqual({ ok: true, body: { reason: 'r', alternative: { actionType: 'code:read' } } });
  });
});
