import { type CorpusEntry, entries } from './entry.ts';

/** History rewrites escalate: force pushes (suggesting `--force-with-lease`), hard resets, remote deletes. */
export const GIT_DANGEROUS: CorpusEntry[] = [
  ...entries('command', 'escalate', [
    'git push --force',
    'git push -f origin main',
    'git push origin main --force',
    'GIT PUSH --FORCE',
    'git push origin +main',
    'git push -uf origin main',
    'git -C repo push --force',
    'git push --force-with-lease --force',
    "bash -c 'git push -f'",
    'cd repo && git push -f origin HEAD',
    'git pu\u200bsh --force',
    'git -c alias.p=push p --force',
    "git -c alias.x='push --force' x",
    "git -c 'alias.p=!git push -f' p",
  ]),
  { args: { argv: ['git', 'push', '--force', 'origin', 'main'] }, expect: 'escalate' },
  { args: { cmd: 'git', args: ['push', '--force', 'origin', 'main'] }, expect: 'escalate' },
  ...entries('command', 'escalate', ['git reset --hard', 'git reset --hard HEAD~3', 'GIT RESET --HARD origin/main', 'git -c core.x=y reset --hard', 'git fetch && git reset --hard origin/main', 'git push --mirror', 'git push origin :feature', 'git push --delete origin old-branch']),
  // Exec-style objects whose argument list is a string, or an array with a non-string in it.
  { args: { command: 'git', args: 'push --force origin main' }, expect: 'escalate' },
  { args: { command: 'git', args: 'reset --hard HEAD~3' }, expect: 'escalate' },
  { args: { program: 'git', argList: ['push', '-f', 'origin', 'main'] }, expect: 'escalate' },
  { args: { argv: ['git', 'push', '--force', 'origin', 'main', null] }, expect: 'escalate' },
];

/** Git commands that look alike and are fine. */
export const GIT_HARMLESS: CorpusEntry[] = [
  { args: { command: 'git', args: 'push origin main' }, expect: 'clean' },
  { args: { command: 'git', args: 'push --force-with-lease origin main' }, expect: 'clean' },
  { args: { cmd: 'git', argList: ['reset', '--soft', 'HEAD~1'] }, expect: 'clean' },
  ...entries('command', 'clean', [
  'git push origin main',
  'git push --force-with-lease',
  'git push --force-with-lease origin feature',
  'git push --force-if-includes --force-with-lease',
  'git push --force-if-includes',
  'git -c alias.st=status st --short',
  'git -c alias.p=push p origin main',
  'git push -u origin feature',
  'git push --tags',
  'git push origin main:main',
  'git reset --soft HEAD~1',
  'git reset HEAD file.txt',
  'git reset --mixed',
  'git pull --rebase',
  'git commit -m "force push later"',
  'git commit -m "fix: push -f was wrong"',
  'git stash push -m "wip"',
  'git status',
  'git fetch --force',
  'git config push.default current',
  'echo "git push --force"',
  ]),
];
