import { posix } from 'node:path';
import type { Detector, Finding } from './detector.ts';

/** Where a relative path starts: a directory nothing else can be inside. */
const START = '/\u0000start';
const HOME = '/home/~';

/** Files and directories that hold a system's or a user's secrets. */
const SENSITIVE = [
  /^\/etc\/((passwd|shadow|gshadow|master\.passwd|sudoers)([.~-][\w.-]*)?|sudoers\.d|ssh)(\/|$)/,
  /^\/(home\/[^/]+|root|users\/[^/]+)\/\.(ssh|aws|gnupg|kube|docker|netrc|pgpass|git-credentials|config\/gcloud)(\/|$)/,
  /^\/proc\/(self|\d+)\/(environ|mem|maps)$/,
  /^\/(var\/)?run\/secrets(\/|$)/,
  /^\/windows\/system32\/config(\/|$)/,
];

/**
 * Fields whose value is content (a file's text, a message), not a path an action opens:
 * `import x from '../lib'` in a file being written climbs nothing.
 */
const PAYLOAD_KEYS = new Set(['content', 'contents', 'body', 'text', 'code', 'source', 'diff', 'patch', 'message', 'description', 'title', 'summary', 'comment', 'notes', 'markdown', 'html']);

const TOKEN_SEPARATORS = /[\s"'=,;<>|&()`:]+/;

/** URL-decodes (twice-encoded too, and the overlong `%c0%ae` forms) without ever throwing. */
function decode(text: string): string {
  let current = text
    .replace(/%c0%ae|%e0%80%ae|%u002e/gi, '.')
    .replace(/%c0%af|%e0%80%af|%u002f|%u2215/gi, '/')
    .replace(/%c1%9c|%u005c|%u2216/gi, '\\');
  for (let i = 0; i < 3; i += 1) {
    const next = current.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    if (next === current) break;
    current = next;
  }
  return current;
}

const underStart = (path: string): boolean => path === START || path.startsWith(`${START}/`);

/**
 * A working directory longer or deeper than this is not followed: each `cd a` made it longer, and
 * every later path was resolved against it, so `cd a && ` repeated grew with the square of the
 * text. No real command line goes this deep; one that does is escalated (fail closed), not read.
 */
export const MAX_TRACKED_CWD_LENGTH = 4096;
export const MAX_TRACKED_CWD_DEPTH = 256;

/** Whether a working directory is beyond what the detectors follow. */
export function beyondTrackedDepth(cwd: string): boolean {
  if (cwd.length > MAX_TRACKED_CWD_LENGTH) return true;
  let depth = 0;
  for (let i = cwd.indexOf('/'); i >= 0; i = cwd.indexOf('/', i + 1)) depth += 1;
  return depth > MAX_TRACKED_CWD_DEPTH;
}

/** A path that does not depend on the working directory: absolute, or from a home (`~`, `$HOME`). */
const ANCHORED = /^(\/|~|\$home|\$\{home\})/;

/** A token as a path from `cwd`, with `~` and `$HOME` read as a home directory. */
function resolveFrom(cwd: string, token: string): string {
  return posix.resolve(cwd, token.replace(/^(~[a-z0-9_.-]*|\$home|\$\{home\})(?=\/|$)/, HOME));
}

/**
 * Path traversal → deny: a path that climbs above where it starts (`../../etc/passwd`,
 * `..\\..\\`, URL-encoded `%2e%2e%2f`, overlong `%c0%ae`, `..;/`, `....//`), or one that
 * reaches a system or user secret (`/etc/shadow`, `~/.ssh/id_rsa`, `/proc/self/environ`,
 * `/var/www/../../etc/passwd`). `cd` in a command line moves the start: `cd docs && cat
 * ../README.md` stays inside. Content fields (`content`, `body`, `message`, …) are text, not
 * paths, and are not checked.
 */
export const pathTraversal: Detector = {
  id: 'path-traversal',
  detect(strings) {
    const findings: Finding[] = [];
    for (const { text, path, key, isKey } of strings) {
      if (!isKey && PAYLOAD_KEYS.has(key)) continue;
      const at = path || 'args';
      const tokens = decode(text).toLowerCase().replace(/\\/g, '/').split(TOKEN_SEPARATORS).filter(Boolean);
      // null: a working directory too deep to follow; only absolute paths are judged from there.
      let cwd: string | null = START;
      let found: Finding | null = null;
      let untracked: Finding | null = null;
      const check = (token: string): void => {
        if (found || (!token.includes('/') && token !== '..' && !token.startsWith('..;'))) return;
        const plain = token.replace(/(^|\/)\.\.;[^/]*/g, '$1..');
        if (cwd === null && !ANCHORED.test(plain)) return;
        const resolved = resolveFrom(cwd ?? START, plain);
        if (/(^|\/)\.{4,}\/\//.test(plain) || (cwd !== null && underStart(cwd) && !plain.startsWith('/') && resolved !== START && !underStart(resolved) && !resolved.startsWith(HOME))) {
          found = { rule: 'detector:path-traversal', severity: 'deny', reason: `path escapes its root in ${at}`, path };
        } else if (SENSITIVE.some((pattern) => pattern.test(resolved))) {
          found = { rule: 'detector:sensitive-path', severity: 'deny', reason: `reaches a system secret in ${at}`, path };
        }
      };
      for (let i = 0; i < tokens.length && !found; i += 1) {
        const token = tokens[i] as string;
        const target = tokens[i + 1];
        if ((token === 'cd' || token === 'pushd') && target !== undefined && !target.startsWith('-')) {
          check(target);
          cwd = cwd === null && !ANCHORED.test(target) ? null : resolveFrom(cwd ?? START, target);
          if (cwd !== null && beyondTrackedDepth(cwd)) {
            cwd = null;
            untracked ??= { rule: 'detector:path-untracked-cwd', severity: 'escalate', reason: `changes directory deeper than can be followed in ${at}`, path };
          }
          i += 1;
        } else {
          check(token);
        }
      }
      if (found) findings.push(found);
      else if (untracked) findings.push(untracked);
    }
    return findings;
  },
};
