import type { Detector, Finding } from './detector.ts';

const SENSITIVE = /(^|[\s=:"'])(\/etc\/(passwd|shadow|sudoers|ssh\/)|~\/\.ssh\b|\/root\/\.ssh\b|\/proc\/self\/environ|c:\\windows\\system32\\config)/i;

/** Whether a path climbs above where it starts (`../x`, `a/../../x`), after URL-decoding. */
function escapesRoot(candidate: string): boolean {
  let depth = 0;
  for (const segment of candidate.split(/[\\/]+/)) {
    if (segment === '..') {
      depth -= 1;
      if (depth < 0) return true;
    } else if (segment !== '.' && segment !== '') {
      depth += 1;
    }
  }
  return false;
}

function decode(text: string): string {
  let current = text;
  for (let i = 0; i < 3; i += 1) {
    try {
      const next = decodeURIComponent(current);
      if (next === current) break;
      current = next;
    } catch {
      break;
    }
  }
  return current.replace(/%2e/gi, '.').replace(/%2f/gi, '/').replace(/%5c/gi, '\\');
}

/**
 * Path traversal → deny: a path that climbs above its root (`../../etc/passwd`, `..\\..\\`,
 * URL-encoded `%2e%2e%2f`), or that names a system secret (`/etc/shadow`, `~/.ssh`).
 * `docs/../README.md` stays inside and is allowed.
 */
export const pathTraversal: Detector = {
  id: 'path-traversal',
  detect(strings) {
    const findings: Finding[] = [];
    for (const { text, path, isKey } of strings) {
      if (isKey) continue;
      const decoded = decode(text);
      const at = path || 'args';
      const tokens = decoded.split(/[\s"'=]+/).filter((token) => token.includes('..'));
      if (tokens.some(escapesRoot)) {
        findings.push({ rule: 'detector:path-traversal', severity: 'deny', reason: `path escapes its root in ${at}`, path });
      } else if (SENSITIVE.test(decoded)) {
        findings.push({ rule: 'detector:sensitive-path', severity: 'deny', reason: `reaches a system secret in ${at}`, path });
      }
    }
    return findings;
  },
};
