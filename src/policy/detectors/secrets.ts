import type { Detector, Finding, ScannedString } from './detector.ts';

/**
 * How a private key's DER encoding starts, in base64: PKCS#1 RSA and DSA (`MIIEowIBAAKCAQEA`),
 * PKCS#8 (`MIIEvQIBADAN…`, EC `MIGHAgEAMBMG…`, Ed25519/X25519/Ed448 `MC4CAQAw…`), encrypted PKCS#8
 * (PBES2), SEC1 EC (`MHcCAQEE…`), OpenSSH (`openssh-key-v1`). Public keys and certificates start
 * otherwise (`MIIBIjAN…`, `MFkwEwYH…`, `MIIDdzCC…`).
 */
const DER_PRIVATE_KEY = `MII[A-Za-z0-9+/]{3}IBA(?:AK[BC]|D)|MII[A-Za-z0-9+/]{5}BgkqhkiG9w0BBQ0w|MI[GH][A-Za-z0-9+/]AgE(?:AM|BB)|M[A-Za-z0-9+/]{2}CAQ(?:Aw|EE)|b3BlbnNzaC1rZXktdjE`;

/** Formats that are a credential wherever they appear. */
const PATTERNS: Array<{ rule: string; pattern: RegExp; what: string }> = [
  { rule: 'detector:private-key', pattern: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----|PuTTY-User-Key-File-\d/i, what: 'a private key' },
  // A key's body without its PEM header (sent apart from it, or the header left out): the base64
  // of the DER structures that only private keys have, at the start of a word.
  { rule: 'detector:private-key', pattern: new RegExp(`(?<![A-Za-z0-9+/])(?:${DER_PRIVATE_KEY})`), what: 'a private key' },
  { rule: 'detector:aws-key', pattern: /\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/, what: 'an AWS access key' },
  { rule: 'detector:github-token', pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/, what: 'a GitHub token' },
  { rule: 'detector:gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/, what: 'a GitLab token' },
  { rule: 'detector:slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}|hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/, what: 'a Slack token' },
  { rule: 'detector:google-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b|"type"\s*:\s*"service_account"/, what: 'a Google credential' },
  { rule: 'detector:stripe-key', pattern: /\b(sk|rk)_live_[0-9A-Za-z]{16,}\b/, what: 'a Stripe live key' },
  { rule: 'detector:llm-api-key', pattern: /\bsk-(ant-|proj-)?[A-Za-z0-9_-]{32,}/, what: 'an AI provider API key' },
  { rule: 'detector:npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/, what: 'an npm token' },
  { rule: 'detector:sendgrid-key', pattern: /\bSG\.[\w-]{22}\.[\w-]{43}\b/, what: 'a SendGrid key' },
  { rule: 'detector:azure-key', pattern: /\bAccountKey=[A-Za-z0-9+/]{40,}={0,2}/, what: 'an Azure storage key' },
  { rule: 'detector:bearer-jwt', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, what: 'a signed token (JWT)' },
  { rule: 'detector:bearer-token', pattern: /\b(bearer|basic)\s+(?=[A-Za-z0-9+/=._~-]*\d)[A-Za-z0-9+/=._~-]{16,}/i, what: 'an Authorization token' },
  // Bounded scheme and parts, no \b: each start tries at most a few hundred characters, so a
  // long run of scheme characters ("a.a.a.…") costs linear time, not quadratic (a ReDoS found by
  // a security trial: 160 KB of args held the event loop 24 s).
  { rule: 'detector:credential-url', pattern: /[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@]{0,256}:[^\s@/]{3,256}@/i, what: 'credentials in a URL' },
];

/**
 * Every format above in one case-insensitive expression: a string it does not match holds none
 * of them (it only matches more, never less). Most strings hold no credential, and one pass over
 * them is ~3× faster than fourteen; the formats are then tried one by one only to name the hit.
 */
const ANY_PATTERN = new RegExp(PATTERNS.map(({ pattern }) => `(?:${pattern.source})`).join('|'), 'i');

/**
 * The credential format a text holds (a key, a token, a password in a URL), as a phrase, or null.
 * Formats only, no guessing from words around them: safe on free text such as a title.
 * @example credentialFormatIn('deploy with AKIAIOSFODNN7EXAMPLE') // 'an AWS access key'
 */
export function credentialFormatIn(text: string): string | null {
  return formatIn(text)?.what ?? null;
}

/** The first credential format `text` holds: one pass over all of them, then one by one to name it. */
function formatIn(text: string): (typeof PATTERNS)[number] | undefined {
  return ANY_PATTERN.test(text) ? PATTERNS.find(({ pattern }) => pattern.test(text)) : undefined;
}

// A name that holds a secret: `password`, `DB_PASSWORD`, `aws_secret_access_key`, `apiToken`…
const SECRET_NAME = "[a-z0-9_.-]{0,40}?(?:password|passwd|passphrase|pwd|secret|secret[_-]?key|secret[_-]?access[_-]?key|api[_-]?key|api[_-]?token|access[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|session[_-]?token|private[_-]?key|client[_-]?secret|credentials?)";
/** `NAME = value`, `NAME: "value"`, `"NAME": "value"`, `password is value`. */
const ASSIGNMENT = new RegExp(String.raw`(?<![a-z0-9])${SECRET_NAME}["']?(\s*=\s*|\s*:\s*|\s+is\s+|\s+was\s+)(["']?)([^\s"',;}]+)`, 'gi');
/** `--password X`, `--token=X`: a credential flag, whatever the program. */
const CREDENTIAL_FLAG = /(?:^|\s)--(?:password|passwd|pass|token|api[-_]?key|secret|client[-_]?secret|access[-_]?key|auth[-_]?token)(?:=|\s+)["']?([^\s"']{4,})/gi;
/**
 * Credentials in a program's own options: `mysql -pX`, `curl -u user:X`, `sshpass -p X`,
 * `docker login -p X`. Found per command (the text between `;`, `|`, `&` and newlines): the
 * option is looked for after the program's first mention in it, in one linear pass — a regex
 * spanning from every mention to the option was quadratic ("curl curl curl …").
 */
const PROGRAM_CREDENTIALS: ReadonlyArray<{ program: RegExp; option: RegExp }> = [
  { program: /\b(?:mysql\w*|mariadb\w*)\b/i, option: /\s-p([^\s"']{3,})/g },
  { program: /\b(?:curl|wget)\b/i, option: /\s(?:-u|--user)\s+["']?[^\s:"']+:([^\s"'@]{3,})/gi },
  { program: /\b(?:sshpass|docker\s+login|podman\s+login|helm\s+registry\s+login)\b/i, option: /\s-p\s+["']?([^\s"']{4,})/g },
];

/** The values given as credentials on the command lines in `text`. */
function commandLineCredentials(text: string): string[] {
  const values = [...text.matchAll(CREDENTIAL_FLAG)].map((match) => match[1] as string);
  for (const command of text.split(/[\n;|&]/)) {
    for (const { program, option } of PROGRAM_CREDENTIALS) {
      const mention = program.exec(command);
      if (!mention) continue;
      for (const match of command.slice(mention.index + mention[0].length).matchAll(option)) values.push(match[1] as string);
    }
  }
  return values;
}
/** A value that refers to a secret instead of being one: `${DB_PASSWORD}`, `process.env.X`, `<redacted>`, `****`. */
const REFERENCE = /^(\$|%\(|\{\{|<|process\.env|os\.environ|env\(|getenv|vault:|secret:|ref\+|arn:|\*+$|x+$|redacted$|null$|none$|undefined$|true$|false$)/i;
/** Keys whose value is a secret, after `_`/`-` are removed and case folded. */
const SECRET_KEY = /(password|passwd|passphrase|secret|secretkey|apikey|apitoken|accesskey|accesstoken|authtoken|refreshtoken|sessiontoken|bearertoken|privatekey|clientsecret|credentials?|authorization|^token|^pwd)$/;
/** Keys that end like a secret but hold none. */
const NOT_SECRET_KEY = /(pagetoken|nexttoken|continuationtoken|synctoken|cursortoken|csrftoken)$/;

/** Whether an assignment's value looks like a secret rather than prose (`password: required`). */
function secretValue(operator: string, quoted: boolean, value: string): boolean {
  if (value.length < 4 || REFERENCE.test(value)) return false;
  if (/\s(is|was)\s/i.test(operator)) return value.length >= 6 && /[a-z]/i.test(value) && /[^a-z]/i.test(value);
  if (operator.trim() === '=' || quoted) return true;
  // `password: hunter2` is YAML; `Password: Required.` is prose. Digits, symbols or inner capitals tell them apart.
  const word = value.replace(/[.!?)]+$/, '');
  return word.length >= 6 && (/[^a-zA-Z]/.test(word) || /[a-z].*[A-Z]/.test(word));
}

/** Whether a value under `key` is a secret: a secret-named field (`password`, `apiKey`, `pwd`) holding 6+ characters or digits that are no reference. */
function secretField(key: string, text: string): boolean {
  const name = key.replace(/[_-]/g, '');
  const value = text.trim();
  return SECRET_KEY.test(name) && !NOT_SECRET_KEY.test(name) && value.length >= 6 && !REFERENCE.test(value);
}

/** A PEM header with its spaces gone (`-----BEGINRSAPRIVATEKEY-----`), any case. */
const JOINED_PEM_HEADER = /-----BEGIN[A-Z0-9]{0,40}PRIVATEKEY(?:BLOCK)?-----/i;
/** A DER key body, wherever it starts in the joined pieces (a cut may leave anything before it). */
const JOINED_DER_KEY = new RegExp(DER_PRIVATE_KEY);
/** A string that is nothing but base64, maybe over lines: what a piece of a key body is. */
const BASE64_PIECE = /^\s*[A-Za-z0-9+/=]+(?:\r?\n[A-Za-z0-9+/=]+)*\s*$/;

/**
 * Whether the string values, joined in order with their whitespace removed, hold a private key
 * that none of them holds alone: a PEM header cut in two (`"-----BEGIN RSA PRIV"`, `"ATE KEY-----"`),
 * or a key body cut before the bytes that mark it (`"MIIEow"`, `"IBAAKCAQEA…"`), its pieces being
 * nothing but base64. Linear: one join, one pass of each pattern — and most arguments, with no
 * `-----` and no pure-base64 strings, skip both.
 */
function splitPrivateKey(strings: readonly ScannedString[]): boolean {
  let joined = '';
  let pieces = '';
  for (const { text, isKey, isNumber } of strings) {
    if (isKey || isNumber) continue;
    joined += text;
    if (BASE64_PIECE.test(text)) pieces += text;
  }
  if (joined.includes('-----') && JOINED_PEM_HEADER.test(joined.replace(/\s+/g, ''))) return true;
  return pieces.length > 0 && JOINED_DER_KEY.test(pieces.replace(/\s+/g, ''));
}

/**
 * Credentials anywhere in the arguments → deny: private keys, cloud and SaaS keys and tokens
 * (AWS, GitHub, GitLab, Slack, Google, Stripe, OpenAI/Anthropic, npm, SendGrid, Azure), JWTs,
 * bearer tokens, passwords in URLs and on command lines (`--password X`, `mysql -pX`,
 * `curl -u user:X`), `NAME=value` assignments of secret names (`DB_PASSWORD=…`,
 * `"apiKey": "…"`, `password is …`), and the values of secret-named fields (`{ password: '…' }`). References
 * (`${DB_PASSWORD}`, `process.env.X`, `****`) and text about passwords are not secrets.
 */
export const secrets: Detector = {
  id: 'secrets',
  findsCredentials: true,
  detect(strings) {
    const findings: Finding[] = [];
    for (const { text, path, isKey, key, isNumber } of strings) {
      const at = path || 'args';
      if (isNumber) {
        if (secretField(key, text)) findings.push({ rule: 'detector:secret-field', severity: 'deny', reason: `a secret value in field ${at}`, path });
        continue;
      }
      const hit = formatIn(text);
      if (hit) {
        findings.push({ rule: hit.rule, severity: 'deny', reason: `${hit.what} in ${at}`, path });
        continue;
      }
      if (isKey) continue;
      const onCommandLine = commandLineCredentials(text).some((value) => !REFERENCE.test(value));
      const assigned = onCommandLine || [...text.matchAll(ASSIGNMENT)].some((match) => secretValue(match[1] as string, match[2] !== '', match[3] as string));
      if (assigned) {
        findings.push({ rule: 'detector:password-assignment', severity: 'deny', reason: `a password or key assignment in ${at}`, path });
        continue;
      }
      if (secretField(key, text)) findings.push({ rule: 'detector:secret-field', severity: 'deny', reason: `a secret value in field ${at}`, path });
    }
    if (!findings.some((finding) => finding.rule === 'detector:private-key') && splitPrivateKey(strings)) {
      findings.push({ rule: 'detector:private-key', severity: 'deny', reason: 'a private key split across the arguments', path: '' });
    }
    return findings;
  },
};
