import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/model/json.ts';
import { AUTONOMY_LEVELS } from '../../src/model/autonomy.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { DEFAULT_DETECTORS, scanStrings } from '../../src/policy/detectors/index.ts';
import { STRICTNESS, compilePolicy } from '../../src/policy/evaluate.ts';
import { canonicalJson } from '../../src/util/canonical-json.ts';
import { AMBIGUOUS, type CorpusEntry, DANGEROUS, type Expectation, HARMLESS } from './detector-corpus.ts';

const policy = compilePolicy(DEFAULT_POLICY);
const RANK: Record<Expectation, number> = { clean: -1, alternative: STRICTNESS.alternative, escalate: STRICTNESS.escalate, deny: STRICTNESS.deny };

/** The strictest finding of the built-in detectors, or `clean`. */
function outcome(args: JsonObject): Expectation {
  const strings = scanStrings(args);
  let worst: Expectation = 'clean';
  for (const detector of DEFAULT_DETECTORS) {
    for (const finding of detector.detect(strings, args)) if (RANK[finding.severity] > RANK[worst]) worst = finding.severity;
  }
  return worst;
}

const meets = (entry: CorpusEntry, got: Expectation): boolean => (entry.expect === 'alternative' || entry.expect === 'clean' ? got === entry.expect : RANK[got] >= RANK[entry.expect]);
const show = (entry: { args: JsonObject }, got: Expectation) => `${got}: ${JSON.stringify(entry.args)}`;

describe('detector corpus', () => {
  it('has at least 100 dangerous and 100 harmless inputs, none twice', () => {
    expect(DANGEROUS.length).toBeGreaterThanOrEqual(100);
    expect(HARMLESS.length).toBeGreaterThanOrEqual(100);
    const all = [...DANGEROUS, ...HARMLESS, ...AMBIGUOUS].map((entry) => canonicalJson(entry.args));
    expect(all.filter((key, index) => all.indexOf(key) !== index)).toEqual([]);
  });

  it('catches every dangerous input and nothing in the harmless ones (0 false negatives, 0 false positives)', () => {
    const falseNegatives = DANGEROUS.map((entry) => ({ entry, got: outcome(entry.args) })).filter(({ entry, got }) => !meets(entry, got));
    const falsePositives = HARMLESS.map((entry) => ({ entry, got: outcome(entry.args) })).filter(({ got }) => got !== 'clean');
    console.info(
      `detector corpus: ${DANGEROUS.length} dangerous, ${HARMLESS.length} harmless, ${AMBIGUOUS.length} ambiguous; ` +
        `false negatives ${falseNegatives.length}, false positives ${falsePositives.length}`,
    );
    expect(falseNegatives.map(({ entry, got }) => show(entry, got))).toEqual([]);
    expect(falsePositives.map(({ entry, got }) => show(entry, got))).toEqual([]);
  });

  it.each(AMBIGUOUS.map((entry) => [JSON.stringify(entry.args), entry] as const))('ambiguous %s keeps its documented outcome', (_, entry) => {
    expect(entry.why.length).toBeGreaterThan(20);
    expect(outcome(entry.args)).toBe(entry.outcome);
  });

  it('gives the same answers through evaluate, for a low-risk action at full autonomy (the table allows)', () => {
    const decisions = (entries: readonly CorpusEntry[]) =>
      entries.map((entry) => ({ entry, got: policy.evaluate({ actionType: 'code:read', args: entry.args, agentId: 'a' }, { autonomyOverride: 'full' }).decision }));
    const toExpectation = (decision: string): Expectation => (decision === 'allow' ? 'clean' : (decision as Expectation));
    expect(decisions(DANGEROUS).filter(({ entry, got }) => !meets(entry, toExpectation(got))).map(({ entry, got }) => show(entry, toExpectation(got)))).toEqual([]);
    expect(decisions(HARMLESS).filter(({ got }) => got !== 'allow').map(({ entry, got }) => show(entry, toExpectation(got)))).toEqual([]);
  });
});

describe('detector behaviour', () => {
  it('denies dangerous inputs whatever the action and autonomy', () => {
    for (const autonomy of AUTONOMY_LEVELS) {
      for (const actionType of ['code:read', 'docs:write', 'deploy:production', 'made:up']) {
        expect(policy.evaluate({ actionType, args: { command: 'rm -fr /' }, agentId: 'a' }, { autonomyOverride: autonomy }).decision).toBe('deny');
      }
    }
  });

  it.each([
    ['git push --force origin main', 'git push --force-with-lease origin main'],
    ['git push -uf origin main', 'git push -u --force-with-lease origin main'],
    ['git push origin +main', 'git push --force-with-lease origin main'],
    ['cd repo && git push -f && rm -f stale.lock', 'cd repo && git push --force-with-lease && rm -f stale.lock'],
    ["bash -c 'git push --force'", "bash -c 'git push --force-with-lease'"],
  ])('escalates %j even at full autonomy, suggesting %j as the reroute (found by a new-user trial: an automatic reroute ran a history rewrite with no human)', (command, safer) => {
    const verdict = policy.evaluate({ actionType: 'vcs:push', args: { command, ticket: 7 }, agentId: 'a' }, { autonomyOverride: 'full' });
    expect(verdict.decision).toBe('escalate');
    expect(verdict.requiredApprovals).toBe(1);
    expect(verdict.alternative).toMatchObject({ actionType: 'vcs:push', args: { command: safer, ticket: 7 } });
  });

  it('rewrites argv arrays too', () => {
    const verdict = policy.evaluate({ actionType: 'vcs:push', args: { argv: ['git', 'push', '-f', 'origin', '+main'] }, agentId: 'a' }, { autonomyOverride: 'full' });
    expect(verdict.alternative?.args).toEqual({ argv: ['git', 'push', '--force-with-lease', 'origin', 'main'] });
  });

  it('never suggests a reroute that is itself a force push', () => {
    const forcePushes = DANGEROUS.filter((e) => policy.evaluate({ actionType: 'vcs:push', args: e.args, agentId: 'a' }).matchedRules.includes('detector:git-push-force'));
    expect(forcePushes.length).toBeGreaterThan(5);
    for (const entry of forcePushes) {
      const verdict = policy.evaluate({ actionType: 'vcs:push', args: entry.args, agentId: 'a' }, { autonomyOverride: 'full' });
      expect(verdict.alternative, JSON.stringify(entry.args)).toBeDefined();
      const again = policy.evaluate({ actionType: 'vcs:push', args: verdict.alternative?.args ?? {}, agentId: 'a' }, { autonomyOverride: 'full' });
      expect(again.matchedRules, JSON.stringify(entry.args)).not.toContain('detector:git-push-force');
      expect(again.decision).toBe('allow');
    }
  });

  it('escalates a force push it cannot rewrite safely', () => {
    const verdict = policy.evaluate({ actionType: 'vcs:push', args: { command: "git push $'\\x2d\\x2dforce' origin main" }, agentId: 'a' }, { autonomyOverride: 'full' });
    expect(verdict.decision).toBe('escalate');
    expect(verdict.reason).toContain('no safe --force-with-lease rewrite');
    expect(verdict.alternative).toBeUndefined();
  });

  it('a force push where the table wants a human anyway: the table\'s approvals, the suggestion kept', () => {
    const verdict = policy.evaluate({ actionType: 'vcs:push', args: { command: 'git push --force' }, agentId: 'a' }, { autonomyOverride: 'semi' });
    expect(verdict.decision).toBe('escalate');
    expect(verdict.matchedRules).toEqual(['detector:git-push-force', 'table:high/semi']);
    expect(verdict.reason).toContain('force push');
    expect(verdict.alternative?.args).toEqual({ command: 'git push --force-with-lease' });
    const critical = policy.evaluate({ actionType: 'deploy:production', args: { command: 'git push -f' }, agentId: 'a' }, { autonomyOverride: 'full' });
    expect([critical.decision, critical.requiredApprovals]).toEqual(['escalate', 2]);
  });

  it('takes time linear in the arguments: long runs that made the secrets patterns quadratic finish (found by a security trial: 160 KB held the event loop 24 s)', () => {
    // Each 400 KB string took minutes before (the cost grew with the square of its length); the
    // test's timeout, not a timed assertion, is what fails if that comes back.
    for (const unit of ['a.', 'x-', 'curl ', 'mysql ', 'docker ', 'a://']) {
      const verdict = policy.evaluate({ actionType: 'code:read', args: { text: unit.repeat(Math.ceil(400_000 / unit.length)) }, agentId: 'a' }, { autonomyOverride: 'full' });
      expect(verdict.decision, unit).toBe('allow');
    }
    // And still finds what those patterns look for, wherever it sits in a long text.
    const padding = 'a.'.repeat(50_000);
    for (const [text, rule] of [
      [`${padding} postgres://admin:hunter22@db`, 'detector:credential-url'],
      [`${'x'.repeat(40)}://admin:hunter22@db`, 'detector:credential-url'],
      [`curl ${'-s '.repeat(20_000)} -u admin:hunter22 https://x`, 'detector:password-assignment'],
      [`echo hi; mysql ${'--verbose '.repeat(5_000)} -phunter22 shop`, 'detector:password-assignment'],
    ] as const) {
      expect(policy.evaluate({ actionType: 'code:read', args: { text }, agentId: 'a' }).matchedRules, text.slice(-40)).toContain(rule);
    }
  }, 60_000);

  it('takes time linear in shell text: keywords, assignments and cd chains (found by a security review: 128 KB of "! " took 18 s)', () => {
    // unwrap() sliced the word list once per leading keyword, and every `cd a` made the tracked
    // working directory longer; each 400 KB string took from seconds to minutes before.
    for (const unit of ['! ', '{ ', 'if ', 'a= ', 'then ', 'x=1 ']) {
      const verdict = policy.evaluate({ actionType: 'code:read', args: { command: unit.repeat(Math.ceil(400_000 / unit.length)) }, agentId: 'a' }, { autonomyOverride: 'full' });
      expect(verdict.decision, unit).toBe('allow');
    }
    // A working directory too deep to follow is unknown, and unknown fails closed.
    for (const unit of ['cd a && ', 'cd a/b/c/d/e/f/g/h && ', 'pushd a; ']) {
      const verdict = policy.evaluate({ actionType: 'code:read', args: { command: unit.repeat(Math.ceil(400_000 / unit.length)) }, agentId: 'a' }, { autonomyOverride: 'full' });
      expect(verdict.decision, unit).toBe('escalate');
    }
    // Still found after a long run of keywords, and an absolute cd makes the directory known again.
    expect(policy.evaluate({ actionType: 'code:read', args: { command: `${'! '.repeat(50_000)}rm -rf /` }, agentId: 'a' }).decision).toBe('deny');
    expect(policy.evaluate({ actionType: 'code:read', args: { command: `${'cd a && '.repeat(300)}cat /etc/shadow` }, agentId: 'a' }).decision).toBe('deny');
    expect(policy.evaluate({ actionType: 'code:read', args: { command: `${'cd a && '.repeat(300)}cd / && rm -rf *` }, agentId: 'a' }).decision).toBe('deny');
    // Within the limit nothing changes: 200 levels down and back up stays inside.
    expect(policy.evaluate({ actionType: 'code:read', args: { command: `${'cd a && '.repeat(200)}cat ${'../'.repeat(200)}README.md` }, agentId: 'a' }, { autonomyOverride: 'full' }).decision).toBe('allow');
    expect(policy.evaluate({ actionType: 'code:read', args: { command: `${'cd a && '.repeat(200)}cat ${'../'.repeat(201)}etc/passwd` }, agentId: 'a' }).decision).toBe('deny');
  }, 60_000);

  it('judges a SQL statement whole, however long (found by a security review: a 400-character window let these through)', () => {
    const names = (n: number): string => Array.from({ length: n }, (_, i) => `x${i}`).join(', ');
    const judged = (sql: string) => policy.evaluate({ actionType: 'db:mutate', args: { sql }, agentId: 'a' }, { autonomyOverride: 'full' });
    // DROP SCHEMA … CASCADE drops every table in it: judged like DROP DATABASE (deny).
    expect(judged(`DROP SCHEMA IF EXISTS public, ${names(80)} CASCADE`).matchedRules).toContain('detector:drop-database');
    expect(judged(`DROP SCHEMA IF EXISTS public, ${names(80)} CASCADE`).decision).toBe('deny');
    expect(judged('DROP SCHEMA public CASCADE').decision).toBe('deny');
    expect(judged(`TRUNCATE users, ${names(80)}`).decision).toBe('escalate');
    expect(judged(`DROP TABLE ${names(60)}`).decision).toBe('escalate');
    expect(judged(`DROP TABLE ${names(20_000)}`).decision).toBe('escalate');
    expect(judged(`DELETE FROM users ${' '.repeat(1_000)}`).decision).toBe('escalate');
    expect(judged(`DELETE FROM users WHERE ${'a'.repeat(1_000)} = 1`).decision).toBe('allow');
    // UPDATE's SET, however far behind its tables (a 200-character window let a long join list through).
    const joins = Array.from({ length: 12 }, (_, i) => `JOIN accounts_${i} a${i} ON a${i}.user_id = u.id`).join(' ');
    expect(judged(`UPDATE users u ${joins} SET u.active = 0`).matchedRules).toContain('detector:update-without-where');
    expect(judged(`UPDATE users u ${joins} SET u.active = 0`).decision).toBe('escalate');
    expect(judged(`UPDATE users u ${joins} SET u.active = 0 WHERE u.id = 7`).decision).toBe('allow');
    expect(judged(`UPDATE users u ${joins} SET u.active = 0 WHERE 1 = 1`).decision).toBe('escalate');
    expect(judged(`UPDATE users SET active = 0 WHERE id = 7`).decision).toBe('allow');
    // And in time linear in the text: 400 KB of statement-starting shapes.
    for (const unit of ['as delete from t where ', 'do drop table a, ', 'drop table ', 'delete from t ', '( drop table a ', 'as update x ', '(update ', 'as update x set y.z.w ', '[drop ']) {
      expect(() => judged(unit.repeat(Math.ceil(400_000 / unit.length))), unit).not.toThrow();
    }
  }, 60_000);

  it('denies text nested deeper than the shell parser follows (fail closed)', () => {
    let command = 'rm -rf ./build';
    for (let i = 0; i < 12; i += 1) command = `bash -c ${JSON.stringify(command)}`;
    const verdict = policy.evaluate({ actionType: 'code:read', args: { command }, agentId: 'a' }, { autonomyOverride: 'full' });
    expect(verdict.decision).toBe('deny');
    expect(verdict.matchedRules[0]).toMatch(/^detector-error:/);
  });

  it('stays linear on long adversarial input (finishes within the test timeout)', () => {
    const long = {
      sql: `${'as delete from x '.repeat(20_000)};`,
      text: `${'a_'.repeat(50_000)}!`,
      command: `${'sudo -p x '.repeat(2_000)}ls`,
      path: '../'.repeat(20_000),
    };
    expect(policy.evaluate({ actionType: 'code:read', args: long, agentId: 'a' }, { autonomyOverride: 'full' }).decision).toBe('deny');
  });
});
