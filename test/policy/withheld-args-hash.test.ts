import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/model/json.ts';
import { WITHHELD_ARGS } from '../../src/model/verdict.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { secrets } from '../../src/policy/detectors/secrets.ts';
import { compilePolicy } from '../../src/policy/evaluate.ts';
import { withheldArgsHash } from '../../src/policy/withheld-args-hash.ts';
import { canonicalJson, sha256Hex } from '../../src/util/canonical-json.ts';

// Found by a security trial: a task whose arguments held a credential kept `{ withheld }` in
// their place, but its verdict's argsHash — readable by every token — was still the plain
// SHA-256 of the arguments, so a guessed low-entropy password could be confirmed offline.

const policy = compilePolicy(DEFAULT_POLICY);
const plainHash = (args: JsonObject) => sha256Hex(canonicalJson(args));

describe('argsHash of withheld arguments', () => {
  it('is keyed afresh on every evaluation: it confirms no guess and differs each time', () => {
    for (const args of [{ password: 'hunter22' }, { pwd: 12345678 }, { url: 'postgres://admin:letmein1@db/prod', branch: 'main' }] as JsonObject[]) {
      const first = policy.evaluate({ actionType: 'vcs:push', args, agentId: 'a' });
      const second = policy.evaluate({ actionType: 'vcs:push', args, agentId: 'a' });
      expect([first.argsWithheld, second.argsWithheld]).toEqual([true, true]);
      expect(first.argsHash).toMatch(/^[0-9a-f]{64}$/);
      expect(second.argsHash).toMatch(/^[0-9a-f]{64}$/);
      expect(second.argsHash).not.toBe(first.argsHash);
      expect([first.argsHash, second.argsHash]).not.toContain(plainHash(args));
    }
  });

  it('is keyed on every way to a withheld deny: a hard-denied action, a detector that fails first', () => {
    const args = { token: 'AKIAZZZZYYYYXXXXWWWW' };
    const hardDenied = compilePolicy({ ...DEFAULT_POLICY, hardDeny: ['org:fire'] }).evaluate({ actionType: 'org:fire', args, agentId: 'a' });
    expect(hardDenied.argsWithheld).toBe(true);
    expect(hardDenied.argsHash).not.toBe(plainHash(args));
    const throwing = {
      id: 'broken',
      detect: () => {
        throw new Error('boom');
      },
    };
    // It throws before the secrets detector has run: nobody knows, so the arguments are withheld.
    const failed = compilePolicy(DEFAULT_POLICY, [throwing, secrets]).evaluate({ actionType: 'code:read', args, agentId: 'a' });
    expect(failed.argsWithheld).toBe(true);
    expect(failed.argsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(failed.argsHash).not.toBe(plainHash(args));
  });

  it('leaves the plain SHA-256 of arguments that are kept: an approval is bound to it', () => {
    for (const args of [{ branch: 'main' }, { command: 'git push --force' }, { sql: 'DROP DATABASE prod' }] as JsonObject[]) {
      const first = policy.evaluate({ actionType: 'vcs:push', args, agentId: 'a' });
      const second = policy.evaluate({ actionType: 'vcs:push', args, agentId: 'a' });
      expect(first.argsWithheld).toBeUndefined();
      expect([first.argsHash, second.argsHash]).toEqual([plainHash(args), plainHash(args)]);
    }
  });

  it('is an HMAC-SHA-256 under a key nobody keeps, and the withheld text says so', () => {
    expect(withheldArgsHash('{"password":"hunter22"}')).toMatch(/^[0-9a-f]{64}$/);
    expect(withheldArgsHash('x')).not.toBe(withheldArgsHash('x'));
    expect(WITHHELD_ARGS.withheld).toContain('argsHash is keyed and cannot be recomputed');
  });
});
