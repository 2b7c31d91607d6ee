import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/model/json.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { normalizeText } from '../../src/policy/detectors/normalize-text.ts';
import { scanStrings } from '../../src/policy/detectors/scan.ts';
import { compilePolicy } from '../../src/policy/evaluate.ts';

// Found by a security trial: fullwidth letters and invisible characters inside a keyword hid it
// from the detectors that read the raw text (secrets, paths), and characters outside the short
// list the shell and SQL readers removed (U+2061–U+2064, bidi controls, Hangul fillers, tags)
// hid it from those too. The text is now folded once, where the strings are collected.

const policy = compilePolicy(DEFAULT_POLICY);
const judge = (args: JsonObject, actionType = 'code:read') => policy.evaluate({ actionType, args, agentId: 'a' }, { autonomyOverride: 'full' });

describe('normalizeText', () => {
  it('folds compatibility forms and removes default-ignorable and format characters, case kept', () => {
    expect(normalizeText('ＤＲＯＰ ＤＡＴＡＢＡＳＥ')).toBe('DROP DATABASE');
    for (const invisible of ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u2063', '\u202e', '\u2066', '\u3164', '\u115f', '\u034f', '\u180e', '\ufe0f', '\u{e0041}']) {
      expect(normalizeText(`DR${invisible}OP`), invisible.codePointAt(0)?.toString(16)).toBe('DROP');
    }
    expect(normalizeText('e\u200b\u0301')).toBe('\u00e9');
  });

  it('returns plain ASCII as it is (the fast path), and keeps other scripts', () => {
    const ascii = 'git push origin main';
    expect(normalizeText(ascii)).toBe(ascii);
    expect(normalizeText('Grüße, 東京')).toBe('Grüße, 東京');
  });

  it('is what the detectors see; the arguments themselves are not changed', () => {
    const args = { 'ｐａｓｓ\u200bｗｏｒｄ': 'ｈｕｎｔｅｒ２２' };
    const strings = scanStrings(args);
    expect(strings.map((s) => s.text)).toEqual(['password', 'hunter22']);
    expect(strings[1]?.key).toBe('password');
    expect(strings[1]?.path).toBe('ｐａｓｓ\u200bｗｏｒｄ');
    expect(Object.keys(args)).toEqual(['ｐａｓｓ\u200bｗｏｒｄ']);
  });
});

describe('the detectors see through Unicode tricks', () => {
  it.each([
    // Already caught by the shell and SQL readers' own folding: kept as regressions.
    [{ command: 'ｒｍ -ｒｆ /' }, 'detector:rm-rf-root'],
    [{ sql: 'ＤＲＯＰ ＤＡＴＡＢＡＳＥ prod' }, 'detector:drop-database'],
    [{ sql: 'DR\u200bOP DATABASE prod' }, 'detector:drop-database'],
    [{ command: 'mk\u00adfs.ext4 /dev/sda1' }, 'detector:mkfs'],
    // Characters those readers did not remove.
    [{ sql: 'DR\u2063OP DATABASE prod' }, 'detector:drop-database'],
    [{ sql: 'DROP\u202e DATABASE prod' }, 'detector:drop-database'],
    [{ command: 'r\u3164m -rf /' }, 'detector:rm-rf-root'],
    [{ command: 'r\u{e0066}m -rf /' }, 'detector:rm-rf-root'],
    // Detectors that read the raw text before.
    [{ note: 'ＡＫＩＡＩＯＳＦＯＤＮＮ７ＥＸＡＭＰＬＥ' }, 'detector:aws-key'],
    [{ note: 'AKIA\u200bIOSFODNN7EXAMPLE' }, 'detector:aws-key'],
    [{ body: '-----BEGIN RSA PRI\u00adVATE KEY-----\nMIIE' }, 'detector:private-key'],
    [{ token: 'gh\ufeffp_0123456789abcdefghijklmnopqrstuvwxyzAB' }, 'detector:github-token'],
    [{ env: 'DB_PASS\u2060WORD=s3cr3t-Pa55' }, 'detector:password-assignment'],
    [{ 'ｐａｓｓｗｏｒｄ': 'correct horse battery' }, 'detector:secret-field'],
    [{ url: 'postgres://admin：s3cretpw@db.internal/prod' }, 'detector:credential-url'],
    [{ path: '/etc/sh\u200badow' }, 'detector:sensitive-path'],
    [{ path: '．．／．．／etc/passwd' }, 'detector:path-traversal'],
  ] as Array<[JsonObject, string]>)('%j → deny', (args, rule) => {
    const verdict = judge(args);
    expect(verdict.decision).toBe('deny');
    expect(verdict.matchedRules).toContain(rule);
  });

  it('escalates a force push with an invisible character in a word, whatever the autonomy', () => {
    for (const command of ['git pu\u200bsh --force', 'git push --for\u2064ce', 'ｇｉｔ ｐｕｓｈ －ｆ']) {
      const verdict = judge({ command }, 'vcs:push');
      expect(verdict.decision, command).toBe('escalate');
      expect(verdict.matchedRules).toContain('detector:git-push-force');
    }
  });

  it('leaves text in other scripts and ordinary punctuation alone', () => {
    for (const args of [{ title: 'Résumé für München — “quoted”' }, { note: '日本語のドキュメントを更新する' }, { command: 'echo "naïve café"' }, { emoji: 'ship it 🚀👍🏽' }] as JsonObject[]) {
      expect(judge(args).decision, JSON.stringify(args)).toBe('allow');
    }
  });
});
