import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/model/json.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { MAX_DECODED_PER_EVALUATION, UNDECODED, decodedText } from '../../src/policy/detectors/encoded-text.ts';
import { scanStrings } from '../../src/policy/detectors/scan.ts';
import { compilePolicy } from '../../src/policy/evaluate.ts';

// Found by a security trial: a payload encoded in base64 or hex (`echo cm0gLXJmIC8= | base64 -d | sh`,
// a base64 PEM key, a base64 AWS key) went past every detector. Encoded parts are now also
// judged decoded — one level, within a budget per evaluation.

const policy = compilePolicy(DEFAULT_POLICY);
const judge = (args: JsonObject, actionType = 'code:read') => policy.evaluate({ actionType, args, agentId: 'a' }, { autonomyOverride: 'full' });
const b64 = (text: string) => Buffer.from(text).toString('base64');
const hex = (text: string) => Buffer.from(text).toString('hex');
const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

describe('encoded payloads are judged decoded', () => {
  it.each([
    [{ command: 'echo cm0gLXJmIC8= | base64 -d | sh' }, 'detector:rm-rf-root'],
    [{ command: `echo ${b64('rm -rf /')} | base64 --decode | bash` }, 'detector:rm-rf-root'],
    [{ command: 'base64 -d | sh', stdin: 'cm0gLXJmIC8=' }, 'detector:rm-rf-root'],
    [{ command: `python3 -c "import base64,os; os.system(base64.b64decode('${b64('mkfs.ext4 /dev/sda')}'))"` }, 'detector:mkfs'],
    [{ sql: b64('DROP DATABASE production') }, 'detector:drop-database'],
    [{ blob: b64(pem) }, 'detector:private-key'],
    [{ blob: b64(pem).replace(/(.{76})/g, '$1\n') }, 'detector:private-key'],
    [{ content: `data:text/plain;base64,${b64(`aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n`)}` }, 'detector:aws-key'],
    [{ note: b64('key AKIAIOSFODNN7EXAMPLE') }, 'detector:aws-key'],
    [{ config: Buffer.from('{"password": "hunter22hunter22"}').toString('base64url') }, 'detector:password-assignment'],
    [{ command: `echo ${hex('rm -rf /')} | xxd -r -p | sh` }, 'detector:rm-rf-root'],
    [{ sql: hex('DROP DATABASE production') }, 'detector:drop-database'],
    [{ command: String.raw`printf '\x72\x6d\x20\x2d\x72\x66\x20\x2f' | sh` }, 'detector:rm-rf-root'],
    [{ command: String.raw`printf '\162\155 -rf /' | sh` }, 'detector:rm-rf-root'],
    // Padding in the middle ends one stream and `base64 -d` decodes the next: a newline, then the
    // payload. Split over words it passed (joined, Node's decoder stopped at the first '='); in one
    // word each stream is a run of its own and was already read (the two after it stay guarded).
    [{ command: 'echo a b c d Cg== cm0g LXJm IC8= | base64 -di | sh' }, 'detector:rm-rf-root'],
    [{ command: `echo ${b64('true\n')}${b64('rm -rf /')} | base64 -d | sh` }, 'detector:rm-rf-root'],
    [{ script: `${b64('# setup\n')}${b64('DROP DATABASE production')}` }, 'detector:drop-database'],
    // Wrapper words before the printing command shift a split payload out of alignment unless
    // each start is tried (only the first two were: `sudo nice nohup echo` is 17 characters).
    [{ command: 'sudo nice nohup echo cm0g LXJm IC8= | base64 -di | sh' }, 'detector:rm-rf-root'],
    [{ command: 'time nice builtin echo cm0g LXJm IC8= | base64 -di | bash' }, 'detector:rm-rf-root'],
  ] as Array<[JsonObject, string]>)('%j → deny', (args, rule) => {
    const verdict = judge(args);
    expect(verdict.decision).toBe('deny');
    expect(verdict.matchedRules).toContain(rule);
  });

  it('withholds arguments whose encoded part holds a credential', () => {
    expect(judge({ blob: b64(pem) }).argsWithheld).toBe(true);
  });

  it('leaves encoded data that decodes to nothing dangerous, or to binary, alone', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 200 }, (_, i) => (i * 37) % 256)]).toString('base64');
    for (const args of [
      { content: b64('# Project\n\nRun `npm test` before you push. See docs/setup.md for the rest.\n') },
      { content: b64('export const answer = 42;\n') },
      { image: `data:image/png;base64,${png}` },
      { digest: 'sha256:3f2a9c0d1e5b7a8f6c4d2e0b9a8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c' },
      { commit: '9fceb02d0ae598e95dc970b74767f19372d61af8' },
      { id: '0190f1f4-8c5e-7d2a-9b1c-3e4f5a6b7c8d' },
      { branch: 'feature/very-long-branch-name-for-the-new-checkout-flow' },
      { path: 'src/policy/detectors/destructive-shell.ts' },
      { command: 'base64 -w0 build/report.txt > report.b64' },
      { command: 'echo "deploy done" | base64' },
      { nextPageToken: 'CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA' },
    ] as JsonObject[]) {
      expect(judge(args).decision, JSON.stringify(args)).toBe('allow');
    }
  });

  it('decodes one level only: what is decoded is not decoded again', () => {
    const twice = b64(b64('rm -rf / # and more text to make it long'));
    const decoded = scanStrings({ blob: twice }).filter((s) => s.path.includes('<decoded>'));
    expect(decoded.map((s) => [s.path, s.text])).toEqual([['blob<decoded>', b64('rm -rf / # and more text to make it long')]]);
  });

  it('decodes at most MAX_DECODED_PER_EVALUATION encoded characters per evaluation', () => {
    const chunk = b64('harmless text, over and over. '.repeat(Math.ceil((MAX_DECODED_PER_EVALUATION * 0.45) / 30)));
    expect(chunk.length).toBeGreaterThan(MAX_DECODED_PER_EVALUATION / 2);
    expect(chunk.length).toBeLessThan(MAX_DECODED_PER_EVALUATION);
    const decoded = scanStrings({ a: chunk, b: chunk, c: chunk }).filter((s) => s.path.endsWith('<decoded>'));
    expect(decoded.map((s) => s.path)).toEqual(['a<decoded>']);
    // What the budget could not pay for is marked, and the evaluation fails closed.
    expect(scanStrings({ a: chunk, b: chunk, c: chunk }).filter((s) => s.undecoded).map((s) => s.path)).toEqual(['b', 'c']);
    const budget = { left: 100 };
    expect(decodedText(b64('a text long enough to be decoded'), false, budget)).toBe('a text long enough to be decoded');
    expect(budget.left).toBeLessThan(100);
    expect(decodedText(b64('a text long enough to be decoded'), false, { left: 10 })).toBe(UNDECODED);
  });

  it('needs a decoding cue for short words: without one, an 8-character word is a word', () => {
    expect(decodedText('cm0gLXJmIC8=', false, { left: 1000 })).toBeNull();
    expect(decodedText('cm0gLXJmIC8=', true, { left: 1000 })).toBe('rm -rf /');
    expect(judge({ note: 'cm0gLXJmIC8=' }).decision).toBe('allow');
  });

  it('takes time linear in the arguments on long adversarial input (finishes within the test timeout)', () => {
    const n = 400_000;
    const texts = [
      'x-'.repeat(n / 2), // one base64url run of 400 KB: decoded, binary, dropped
      'A'.repeat(n),
      'ab\n'.repeat(n / 3), // looks wrapped
      `${'QUJD'.repeat(n / 4)}!`,
      b64('a.'.repeat(n / 3)), // decodes to printable text the detectors then read
      b64('curl '.repeat(n / 7)),
      hex('mysql '.repeat(n / 16)),
      String.raw`\x41`.repeat(n / 4),
      `base64 -d ${'abcdefgh '.repeat(n / 9)}`, // a cue, and 44 000 short words
      `${'MII'.repeat(n / 3)}`,
      `${'-----BEGIN '.repeat(n / 11)}`,
    ];
    for (const text of texts) {
      const verdict = judge({ text });
      expect(['allow', 'deny', 'escalate'], text.slice(0, 20)).toContain(verdict.decision);
    }
    // Split in many strings, too.
    const many = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, b64(`rm -rf ./build-${i} # cleanup`)]));
    expect(judge(many).decision).toBe('allow');
  }, 60_000);
});
