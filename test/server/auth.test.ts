import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasCode } from '../../src/errors.ts';
import { mayAccess, TokenTable } from '../../src/server/auth.ts';
import { loadTokensFile, parseTokens } from '../../src/server/tokens-file.ts';

const grant = (token: string, id: string, roles: string[], extra: object = {}) => ({ token, principal: { id, roles, ...extra } });

describe('tokens file and bearer authentication', () => {
  it('validates grants, naming the entry at fault', () => {
    expect(parseTokens([grant('a'.repeat(16), 'alice', ['approver'], { maxRisk: 'critical' })])).toHaveLength(1);
    expect(parseTokens([grant('c'.repeat(16), 'root', ['admin'], { maxRisk: 'critical' })])).toHaveLength(1);
    // Two tokens of one principal (a rotation) are fine when they agree on it.
    expect(parseTokens([grant('d'.repeat(16), 'bot', ['agent'], { department: 'ops' }), grant('e'.repeat(16), 'bot', ['agent'], { department: 'ops' })])).toHaveLength(2);
    expect(parseTokens([grant('b'.repeat(16), 'ops-bot', ['agent'], { department: 'ops' })])[0]?.principal.department).toBe('ops');
    const cases: [unknown, RegExp][] = [
      [[], /grants no token/],
      [{ token: 'x' }, /expected array/],
      [[grant('short', 'a', ['agent'])], /0\.token: a token needs at least 16 characters/],
      [[grant('a'.repeat(16), 'a', ['root'])], /0\.principal\.roles\.0/],
      [[grant('a'.repeat(16), 'a', ['approver'], { maxRisk: 'extreme' })], /0\.principal\.maxRisk/],
      [[grant('a'.repeat(16), 'system', ['approver'])], /0\.principal\.id: "system" is reserved for the engine/],
      [[grant('a'.repeat(16), '   ', ['agent'])], /0\.principal\.id: an id needs a visible character/],
      [[grant('a'.repeat(16), 'root', ['admin'], { maxRisk: 'low' })], /0\.principal\.maxRisk: an admin decides up to critical \(API\.md\): drop maxRisk "low"/],
      [[grant('a'.repeat(16), 'bot', ['agent']), grant('b'.repeat(16), 'bot', ['approver'], { maxRisk: 'high' })], /1\.principal: principal "bot" is defined differently by an earlier token/],
      [[grant('a'.repeat(16), 'a', ['agent'], { department: '' })], /0\.principal\.department/],
      // Found by the decisions security trial: ids one reads as the same (case, look-alikes, spaces, invisible characters) passed as two principals.
      [[grant('a'.repeat(16), 'bot', ['agent']), grant('b'.repeat(16), 'Bot', ['approver'], { maxRisk: 'high' })], /1\.principal\.id: "Bot" reads as "bot" of an earlier token/],
      [[grant('a'.repeat(16), 'alice', ['approver']), grant('b'.repeat(16), '\u0430lice', ['agent'])], /1\.principal\.id: "\\u0430lice" reads as "alice"/],
      [[grant('a'.repeat(16), 'ops-bot', ['agent']), grant('b'.repeat(16), 'ops-bot ', ['approver'])], /1\.principal\.id: "ops-bot " reads as "ops-bot"/],
      [[grant('a'.repeat(16), 'carol', ['agent']), grant('b'.repeat(16), 'car\u200bol', ['approver'])], /1\.principal\.id/],
      [[grant('a'.repeat(16), 'System', ['approver'])], /0\.principal\.id: "System" is reserved for the engine/],
      [[grant('a'.repeat(16), '', ['agent'])], /0\.principal\.id/],
      [[grant('with space inside!!', 'a', ['agent'])], /0\.token: a token is printable ASCII/],
      [[grant('a'.repeat(16), 'a', ['agent']), grant('a'.repeat(16), 'b', ['agent'])], /1\.token: this token appears twice/],
      [[{ ...grant('a'.repeat(16), 'a', ['agent']), note: 1 }], /note/],
    ];
    for (const [input, message] of cases) expect(() => parseTokens(input)).toThrow(message);
  });

  it('reads a tokens file; an unreadable or non-JSON file is a validation error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-tokens-'));
    try {
      const path = join(dir, 'tokens.json');
      writeFileSync(path, JSON.stringify([grant('b'.repeat(20), 'bob', ['observer'])]));
      expect(loadTokensFile(path)[0]?.principal.id).toBe('bob');
      writeFileSync(path, '[{');
      expect(() => loadTokensFile(path)).toThrow(/is not valid JSON/);
      // The error says where, never what: the text around a mistake in this file is tokens (found by a security trial).
      for (const broken of ['[{"token":"hunter2hunter2hunter2","principal":{"id":"a","roles":["agent"]}},]', '[{"token":"hunter2hunter2hunter2" "principal":{}}]', '{"token":"hunter2hunter2hunter2"']) {
        writeFileSync(path, broken);
        expect(() => loadTokensFile(path)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
      }
      writeFileSync(path, '[\n  {"token": "hunter2hunter2hunter2" "principal": {}}\n]');
      expect(() => loadTokensFile(path)).toThrow(/not valid JSON \(line 2, column \d+\); its content is not shown/);
      // A trailing comma, the commonest slip in a hand-edited file, for which V8 names no position.
      writeFileSync(path, '[\n  {"token": "hunter2hunter2hunter2", "principal": {"id": "a", "roles": ["agent"]}},\n]');
      expect(() => loadTokensFile(path)).toThrow(/not valid JSON \(line 3, column 1\); its content is not shown/);
      expect(() => loadTokensFile(join(dir, 'missing.json'))).toThrow(/cannot read tokens file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('authenticates Bearer tokens by digest and refuses anything else as unauthorized', () => {
    const table = new TokenTable([grant('alice-token-0000000', 'alice', ['approver']), grant('bob-token-000000000', 'bob', ['observer'])] as never);
    expect(table.authenticate('Bearer alice-token-0000000').id).toBe('alice');
    expect(table.authenticate('bearer   bob-token-000000000 ').id).toBe('bob');
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Basic alice-token-0000000', 'Bearer alice-token-000000', 'Bearer alice-token-00000000', 'alice-token-0000000']) {
      let error: unknown;
      try {
        table.authenticate(header);
      } catch (caught) {
        error = caught;
      }
      expect(hasCode(error, 'unauthorized'), String(header)).toBe(true);
    }
  });

  it('maps roles to route access', () => {
    const approver = { id: 'a', roles: ['approver' as const] };
    expect(mayAccess(approver, 'any')).toBe(true);
    expect(mayAccess(approver, ['approver', 'admin'])).toBe(true);
    expect(mayAccess(approver, ['agent', 'admin'])).toBe(false);
  });
});
