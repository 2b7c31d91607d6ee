import { type AmbiguousEntry, type CorpusEntry, entries } from './entry.ts';

/** Paths that climb out of where they start or reach system and user secrets. */
export const PATHS_DANGEROUS: CorpusEntry[] = [
  ...entries('path', 'deny', [
    '../../etc/passwd',
    '..\\..\\windows\\system32',
    '%2e%2e%2f%2e%2e%2fetc/passwd',
    '..%2f..%2fetc%2fpasswd',
    '%252e%252e%252fsecret',
    '%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
    '..;/..;/admin',
    '....//....//etc/passwd',
    'uploads/../../../secret',
    '/var/www/../../etc/passwd',
    '/etc/shadow',
    '~/.ssh/id_rsa',
    '$HOME/.aws/credentials',
    '/root/.ssh/authorized_keys',
    '/proc/self/environ',
    '/var/run/secrets/kubernetes.io/serviceaccount/token',
    'C:\\Windows\\System32\\config\\SAM',
    'file:///etc/shadow',
    '/etc/shadow.bak',
    '/etc//shadow',
    '/ETC/SHADOW',
    '%2E%2E/%2E%2E/x',
    '/proc/1/environ',
  ]),
  ...entries('command', 'deny', ['cat /etc/passwd', 'cd docs && cat ../../../etc/hosts', 'tar czf /tmp/k.tgz ~/.ssh', 'cp /etc/shadow /tmp/s', 'scp ~/.ssh/id_rsa backup:']),
  { args: { url: 'http://internal/../../etc/passwd' }, expect: 'deny' },
  { args: { paths: ['ok.txt', '../../etc/passwd'] }, expect: 'deny' },
  { args: { file: '../../../../tmp/x' }, expect: 'deny' },
];

/** Relative paths that stay inside, ordinary absolute paths, ranges and content. */
export const PATHS_HARMLESS: CorpusEntry[] = [
  ...entries('path', 'clean', [
    'docs/../README.md',
    'src/app/../lib/x.ts',
    './config/app.json',
    '/var/log/app.log',
    '/etc/nginx/nginx.conf',
    '/etc/hosts',
    'C:/Users/me/file.txt',
    'a/b/c/../../d',
    '...',
    'version 1.2..3',
    '~/projects/app',
    'https://example.com/a/b/../c',
  ]),
  ...entries('command', 'clean', ['git diff main..feature', 'git log HEAD~3..HEAD', 'cd src && cat ../README.md', 'cat ~/.bashrc', './node_modules/.bin/tsc --noEmit']),
  { args: { path: 'src/index.ts', content: "import { x } from '../lib/x.ts';\nexport * from '../../shared/y.ts';\n" }, expect: 'clean' },
  { args: { message: 'move ../old to ./new' }, expect: 'clean' },
];

/** Path inputs on the line. */
export const PATHS_AMBIGUOUS: AmbiguousEntry[] = [
  {
    args: { command: 'cd .. && make' },
    outcome: 'deny',
    why: 'Leaves the directory the action starts in (the workspace): path traversal by definition, even when the parent is harmless.',
  },
];
