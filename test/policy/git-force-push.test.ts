import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/model/json.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { gitInvocations } from '../../src/policy/detectors/git-commands.ts';
import { gitHistory } from '../../src/policy/detectors/git-history.ts';
import { scanStrings } from '../../src/policy/detectors/scan.ts';
import { effectiveCommands } from '../../src/policy/detectors/shell-commands.ts';
import { compilePolicy } from '../../src/policy/evaluate.ts';

// Found by a security trial: a force push written as structured arguments (`{ "force": true }`,
// `{ "flags": ["--force"] }`), or through a git alias defined on the command line
// (`git -c alias.p=push p --force`), ran with no human at full autonomy.

const policy = compilePolicy(DEFAULT_POLICY);
const judge = (args: JsonObject, actionType = 'vcs:push') => policy.evaluate({ actionType, args, agentId: 'a' }, { autonomyOverride: 'full' });

describe('force pushes in structured arguments (a vcs:push, or arguments that run git push)', () => {
  it.each([
    [{ remote: 'origin', branch: 'main', force: true }],
    [{ force: true }],
    [{ force: 'true' }],
    [{ forcePush: 'yes' }],
    [{ force_push: 1 }],
    [{ options: { force: true } }],
    [{ '--force': null }],
    [{ '-f': true }],
    [{ flags: ['--force'] }],
    [{ flags: ['-u', '-f'] }],
    [{ args: ['push', '--force'] }],
    [{ options: '--force --tags' }],
    [{ refspec: '+main' }],
    [{ refspecs: ['main', '+release:release'] }],
    [{ remote: 'origin', refspec: '+refs/heads/*:refs/heads/*' }],
  ] as Array<[JsonObject]>)('%j escalates as vcs:push', (args) => {
    const verdict = judge(args);
    expect(verdict.decision).toBe('escalate');
    expect(verdict.matchedRules).toContain('detector:git-push-force');
  });

  it('reads them beside a git push command whatever the action type, and not elsewhere', () => {
    for (const actionType of ['tool:invoke', 'code:read', 'made:up']) {
      expect(judge({ command: 'git push', force: true }, actionType).matchedRules, actionType).toContain('detector:git-push-force');
      expect(judge({ command: 'git push origin main', flags: ['--force'] }, actionType).matchedRules, actionType).toContain('detector:git-push-force');
    }
    // `force` elsewhere overwrites a file, a deployment, a cache: not a push.
    expect(judge({ path: 'notes.md', content: 'x', force: true }, 'code:write').decision).toBe('allow');
    expect(judge({ service: 'api', force: true }, 'code:read').decision).toBe('allow');
    expect(judge({ command: 'git fetch', force: true }, 'code:read').decision).toBe('allow');
  });

  it('suggests --force-with-lease where a flag can be swapped, and nothing where it cannot', () => {
    expect(judge({ flags: ['--force'], remote: 'origin' }).alternative?.args).toEqual({ flags: ['--force-with-lease'], remote: 'origin' });
    expect(judge({ cmd: 'git', args: ['push', '--force', 'origin', 'main'] }).alternative?.args).toEqual({ cmd: 'git', args: ['push', '--force-with-lease', 'origin', 'main'] });
    for (const args of [{ force: true }, { refspec: '+main' }, { options: '--force --tags' }] as JsonObject[]) {
      const verdict = judge(args);
      expect(verdict.alternative, JSON.stringify(args)).toBeUndefined();
      expect(verdict.reason).toContain('no safe --force-with-lease rewrite');
    }
  });

  it('leaves pushes that do not force, leases and prose alone', () => {
    for (const args of [
      { remote: 'origin', branch: 'main' },
      { force: false },
      { force: 'false' },
      { force: 0 },
      { forceWithLease: true },
      { force_with_lease: 'main' },
      { flags: ['--force-with-lease'] },
      { flags: ['--force-if-includes', '--force-with-lease'] },
      { flags: ['-u', '--tags'] },
      { message: '--force' },
      { title: 'Force push the docs' },
      { commitMessage: 'fix: force push was wrong' },
      { reason: 'the force push was not needed' },
      { argv: ['rm', '-f', 'stale.lock'] },
      { reaction: '+1', phone: '+44 20 7946 0000' },
      { branch: 'feature/force-push-guard' },
    ] as JsonObject[]) {
      expect(judge(args).decision, JSON.stringify(args)).toBe('allow');
    }
  });
});

describe('force pushes through git aliases and settings on the command line', () => {
  it.each([
    ['git -c alias.p=push p --force', 'git -c alias.p=push p --force-with-lease'],
    ["git -c alias.x='push --force' x", "git -c alias.x='push --force-with-lease' x"],
    ['git -c alias.x="push -f" x origin main', 'git -c alias.x="push --force-with-lease" x origin main'],
    ["git -c 'alias.p=!git push -f' p", "git -c 'alias.p=!git push --force-with-lease' p"],
    ['git -c alias.a=b -c alias.b=push a -f', 'git -c alias.a=b -c alias.b=push a --force-with-lease'],
  ])('%j escalates, suggesting %j', (command, safer) => {
    const verdict = judge({ command });
    expect(verdict.decision).toBe('escalate');
    expect(verdict.matchedRules).toContain('detector:git-push-force');
    expect(verdict.alternative?.args).toEqual({ command: safer });
  });

  it.each([
    'git --config-env=alias.p=GIT_ALIAS p -f',
    'git --config-env alias.p=GIT_ALIAS p origin +main',
    'git -c remote.origin.push=+refs/heads/main:refs/heads/main push origin',
    'git -C repo -c alias.p=push p origin +main',
  ])('%j escalates (no rewrite offered)', (command) => {
    const verdict = judge({ command });
    expect(verdict.decision).toBe('escalate');
    expect(verdict.matchedRules).toContain('detector:git-push-force');
    expect(verdict.alternative).toBeUndefined();
  });

  it('reads a -c remote.<name>.mirror setting as a push that deletes remote refs', () => {
    expect(judge({ command: 'git -c remote.origin.mirror=true push origin' }).matchedRules).toContain('detector:git-push-delete');
  });

  it('keeps what already escalated: +refspec, -f, global options with values', () => {
    for (const command of ['git push origin +main', 'git push -f', 'git push --force-if-includes --force', 'git --git-dir=.git push --force', 'git --git-dir .git --work-tree . push --force']) {
      expect(judge({ command }).matchedRules, command).toContain('detector:git-push-force');
    }
  });

  it('leaves --force-if-includes alone (without --force-with-lease it does nothing: a plain push), and aliases that push without force', () => {
    for (const command of [
      'git push --force-if-includes',
      'git push --force-if-includes origin main',
      'git -c alias.p=push p origin main',
      'git -c alias.st=status st --short',
      "git -c alias.pf='push --force-with-lease' pf",
      'git -c core.editor=vim push origin main',
      'git -c remote.origin.push=refs/heads/main:refs/heads/main push origin',
    ]) {
      expect(judge({ command }).decision, command).toBe('allow');
    }
  });

  it('expands aliases within a bound: a crafted loop denies (fail closed)', () => {
    const verdict = judge({ command: "git -c 'alias.a=!git a; git a' a" }, 'code:read');
    expect(verdict.decision).toBe('deny');
    expect(verdict.matchedRules).toEqual(['detector-error:git-history']);
  });

  it('lists the invocation as written beside its expansion', () => {
    const [command] = effectiveCommands("git -c alias.x='push --force' x origin");
    expect(gitInvocations(command as never).map(({ subcommand, args }) => [subcommand, ...args])).toEqual([
      ['x', 'origin'],
      ['push', '--force', 'origin'],
    ]);
  });

  it('judges without an action type too (callers that have no proposal)', () => {
    const args = { command: 'git push', force: true };
    expect(gitHistory.detect(scanStrings(args), args).map((finding) => finding.rule)).toEqual(['detector:git-push-force']);
    expect(gitHistory.detect(scanStrings({ force: true }), { force: true })).toEqual([]);
  });
});
