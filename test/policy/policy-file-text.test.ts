import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { findDuplicateKey } from '../../src/policy/duplicate-keys.ts';
import { MAX_POLICY_FILE_BYTES, loadPolicyFile } from '../../src/policy/load-policy.ts';

const text = JSON.stringify(DEFAULT_POLICY, null, 2);
const file = (name: string, content: string | Uint8Array) => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-policy-text-'));
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};
const problem = (path: string): ValidationError => {
  try {
    loadPolicyFile(path);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('loaded');
};

// Found by the policy trial: each of these files was read as something else than its author wrote.
describe('policy file text', () => {
  it('refuses a file over 4 MiB before reading it, and takes one just under (found by the policy trial: 6.5 MB took 2.4 s and 290 MB)', () => {
    const withAgents = (count: number) =>
      JSON.stringify({ ...DEFAULT_POLICY, autonomy: { ...DEFAULT_POLICY.autonomy, agents: Object.fromEntries(Array.from({ length: count }, (_, i) => [`agent-${i}`, 'supervised'])) } });
    const big = withAgents(160_000);
    expect(big.length).toBeGreaterThan(MAX_POLICY_FILE_BYTES);
    expect(problem(file('big.json', big)).message).toMatch(/is \d+ bytes, more than 4194304 \(4 MiB\)/);
    expect(Object.keys(loadPolicyFile(file('fits.json', withAgents(50_000))).autonomy.agents)).toHaveLength(50_000);
  });

  it('refuses a key named twice, naming it and where (JSON.parse kept the last one unseen: "locked" reviewed, "full" run)', () => {
    const doubled = text.replace('"company": "semi",', '"company": "locked",\n    "company": "full",');
    const error = problem(file('dup.json', doubled));
    expect(error.message).toMatch(/names autonomy\.company twice \(again at line \d+, column 5\)/);
    expect(error.issues).toEqual([{ path: 'autonomy.company', message: expect.stringMatching(/^named twice/) }]);
    expect(findDuplicateKey('{"a":{"b":1,"b":2}}')).toEqual({ path: 'a.b', offset: 12 });
    expect(findDuplicateKey('{"x":[{"k":1},{"k":1, "k":2}]}')?.path).toBe('x.1.k');
    expect(findDuplicateKey('{"a":"a\\"b","b":{"a\\"b":1},"s":["a","a"]}')).toBeNull();
  });

  it('reads a file that starts with a UTF-8 byte-order mark (as some editors save it) as the same policy', () => {
    expect(loadPolicyFile(file('bom.json', `\uFEFF${text}`))).toEqual(DEFAULT_POLICY);
  });

  it('refuses a file that is not UTF-8 by saying so, not as an "unexpected token �"', () => {
    expect(problem(file('latin1.json', Buffer.from(text.replace('default-1', 'défaut'), 'latin1'))).message).toMatch(/is not UTF-8 text$/);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(problem(file('utf16.json', utf16)).message).toMatch(/is not UTF-8 text \(it looks like UTF-16: save it as UTF-8\)/);
  });

  it('refuses __proto__ as an agent or department name (its level was silently dropped)', () => {
    const proto = text.replace('"agents": {}', '"agents": { "__proto__": "locked" }');
    expect(problem(file('proto.json', proto)).issues).toEqual([{ path: 'autonomy.agents.__proto__', message: expect.stringMatching(/reserved name/) }]);
  });
});
