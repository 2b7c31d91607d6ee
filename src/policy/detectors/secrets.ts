import type { Detector, Finding } from './detector.ts';

const PATTERNS: Array<{ rule: string; pattern: RegExp; what: string }> = [
  { rule: 'detector:private-key', pattern: /-----BEGIN ([A-Z]+ )*PRIVATE KEY( BLOCK)?-----/, what: 'a private key' },
  { rule: 'detector:aws-key', pattern: /\b(AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/, what: 'an AWS access key' },
  { rule: 'detector:github-token', pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/, what: 'a GitHub token' },
  { rule: 'detector:slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/, what: 'a Slack token' },
  { rule: 'detector:google-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/, what: 'a Google API key' },
  { rule: 'detector:stripe-key', pattern: /\b(sk|rk)_live_[0-9A-Za-z]{16,}\b/, what: 'a Stripe live key' },
  { rule: 'detector:bearer-jwt', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, what: 'a signed token (JWT)' },
  { rule: 'detector:password-assignment', pattern: /\b(password|passwd|pwd|secret|api[_-]?key|access[_-]?key|client[_-]?secret)\s*[:=]\s*["']?[^\s"']{6,}/i, what: 'a password or key assignment' },
  { rule: 'detector:credential-url', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]{3,}@/i, what: 'credentials in a URL' },
];

const SECRET_KEYS = /^(password|passwd|pwd|secret|client_secret|clientsecret|api_key|apikey|api-key|access_key|accesskey|secret_key|private_key|privatekey|auth_token|access_token|refresh_token)$/;

/** Credentials, private keys, cloud keys and tokens anywhere in the arguments → deny. */
export const secrets: Detector = {
  id: 'secrets',
  detect(strings) {
    const findings: Finding[] = [];
    for (const { text, path, isKey, key } of strings) {
      if (isKey) continue;
      const at = path || 'args';
      const hit = PATTERNS.find(({ pattern }) => pattern.test(text));
      if (hit) {
        findings.push({ rule: hit.rule, severity: 'deny', reason: `${hit.what} in ${at}`, path });
      } else if (SECRET_KEYS.test(key) && text.trim().length >= 6) {
        findings.push({ rule: 'detector:secret-field', severity: 'deny', reason: `a secret value in field ${at}`, path });
      }
    }
    return findings;
  },
};
