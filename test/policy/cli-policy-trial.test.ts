import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { tollgateStd } from '../server/support/run-main.ts';

/** Runs `tollgate …` in-process and captures what it prints and its exit code. */
const cli = tollgateStd;

const dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-policy-trial-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Found by the policy trial (a security engineer writing and rolling out a company policy).
describe('tollgate policy check: what a policy gives away', () => {
  it('warns, naming what goes unchecked, for each built-in detector switched off', async () => {
    const path = file('off.json', { ...DEFAULT_POLICY, detectors: { disabled: ['destructive-shell', 'secrets'] } });
    const { stdout, code } = await cli('policy', 'check', path, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).warnings).toEqual([
      { path: 'detectors.disabled.0', message: expect.stringMatching(/^detector destructive-shell is off: `rm -rf \/`.*judged by the decision table alone$/) },
      { path: 'detectors.disabled.1', message: expect.stringMatching(/^detector secrets is off: credentials in the arguments are kept in the store/) },
    ]);
  });

  it('warns about a hard-deny entry that names no known action type (a typo denies nothing)', async () => {
    const path = file('typo.json', { ...DEFAULT_POLICY, actions: { ...DEFAULT_POLICY.actions, 'payments:refund': 'high' }, hardDeny: ['org:firee', 'payments:refund', 'org:fire'] });
    const { stderr, code } = await cli('policy', 'check', path);
    expect(code).toBe(0);
    expect(stderr).toBe('warning: hardDeny.0: org:firee is no action type of the policy or the built-in taxonomy: a typo here denies nothing\n');
  });
});

describe('tollgate policy explain: arguments', () => {
  it('says why an object is refused when it is too deep or holds a number JSON cannot carry (not "must be a JSON object")', async () => {
    for (const args of [`${'{"a":'.repeat(70)}1${'}'.repeat(70)}`, '{"n":1e999}']) {
      const { stderr, code } = await cli('policy', 'explain', '--action', 'tool:invoke', '--args', args);
      expect(code).toBe(2);
      expect(stderr).toMatch(/--args must be plain JSON: finite numbers, at most 64 levels deep/);
    }
    expect((await cli('policy', 'explain', '--action', 'tool:invoke', '--args', '[1]')).stderr).toMatch(/--args must be a JSON object \(validation_failed\)/);
  });

  it('reads arguments too long for a command line from --args-file (a 1 MiB proposal is judged like over HTTP)', async () => {
    const path = file('args.json', { command: `${'echo hi; '.repeat(100_000)}rm -rf /` });
    const { stdout, code } = await cli('policy', 'explain', '--action', 'tool:invoke', '--args-file', path, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ decision: 'deny', matchedRules: expect.arrayContaining(['detector:rm-rf-root']) });
    const both = await cli('policy', 'explain', '--action', 'tool:invoke', '--args', '{}', '--args-file', path);
    expect([both.code, both.stderr]).toEqual([2, expect.stringMatching(/give --args or --args-file, not both/)]);
    const missing = await cli('policy', 'explain', '--action', 'tool:invoke', '--args-file', join(dir, 'nope.json'));
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/cannot read --args-file .*nope\.json/)]);
  });
});
