import { Buffer } from 'node:buffer';

/**
 * Words that say a text decodes something (`base64 -d`, `b64decode`, `atob`, `xxd -r`,
 * `certutil -decode`): with one anywhere in the arguments, short encoded words are decoded too.
 */
const DECODE_CUE = /base64|b64|atob|basenc|xxd|fromhex|unhex|hex2bin|certutil|-decode/i;

/**
 * Runs of the base64 alphabet (standard and URL-safe; hex is a subset), padding included. Each
 * is tried only where a run starts (the lookbehind), so a text is read once, not once per
 * position and run length.
 */
const LONG_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}/g;
const SHORT_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{8,}={0,2}/g;

/** The base64 alphabet as a table, for {@link hasRun}. */
const BASE64_CHAR = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') BASE64_CHAR[char.charCodeAt(0)] = 1;

/**
 * Whether a text has a run of at least `length` base64 characters: the quick test that most
 * strings (prose, paths, names) fail before any match is listed. A loop over a table: on the
 * hot path it is cheaper than the equivalent regular expression (measured in a profile).
 */
function hasRun(text: string, length: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 128 && BASE64_CHAR[code] === 1) {
      run += 1;
      if (run >= length) return true;
    } else {
      run = 0;
    }
  }
  return false;
}

/** A whole string that is base64 wrapped over lines (`base64` wraps at 76, PEM at 64). */
const WRAPPED = /^[A-Za-z0-9+/_=-]{16,}(?:\r?\n[A-Za-z0-9+/_=-]+)+\s*$/;
const HEX = /^[0-9a-fA-F]+$/;
const ESCAPE = /\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[0-7]{3})/;
const ESCAPES = /\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|([0-7]{3}))/g;

/** Without a cue, a base64 word shorter than this is left alone (a word, an id), and a hex one shorter than 16. */
const MIN_BASE64 = 24;
const MIN_HEX = 16;
/** With a cue: `cm0gLXJmIC8=` is `rm -rf /`. */
const MIN_CUED = 8;

/**
 * Encoded characters decoded per evaluation at most: what a request body may hold (1 MiB). Past
 * it, strings are judged as they are. Decoded text is never longer than what it was decoded
 * from, so the detectors read at most 1 MiB more than the arguments, whatever they hold.
 */
export const MAX_DECODED_PER_EVALUATION = 1024 * 1024;

/** What is left of the decoding allowance of one evaluation. */
export interface DecodeBudget {
  left: number;
}

/**
 * Whether a text asks for decoding (`… | base64 -d | sh`), so short encoded words count.
 * @example hasDecodeCue('echo cm0gLXJmIC8= | base64 -d | sh') // true
 */
export function hasDecodeCue(text: string): boolean {
  return DECODE_CUE.test(text);
}

/**
 * The printable text that bytes decode to, or null when they are binary: not UTF-8, or more
 * than one character in twenty a control character. Decoded garbage is never judged.
 */
function printable(bytes: Buffer): string | null {
  if (bytes.length < 4) return null;
  const text = bytes.toString('utf8');
  let unprintable = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f || c === 0xfffd) unprintable += 1;
  }
  return unprintable * 20 <= text.length ? text : null;
}

/** One base64 or hex word decoded, or null when it is neither or decodes to binary. */
function decodeWord(run: string, cued: boolean): string | null {
  const word = run.replace(/=+$/, '');
  const hex = HEX.test(word);
  if (word.length < (cued ? MIN_CUED : hex ? MIN_HEX : MIN_BASE64)) return null;
  if (hex && word.length % 2 === 0) {
    const text = printable(Buffer.from(word, 'hex'));
    if (text !== null) return text;
  }
  // Base64 of text mixes cases; a path, a kebab-case name or a hex digest does not, and is not decoded.
  if (word.length % 4 === 1 || (!cued && !(/[A-Z]/.test(word) && /[a-z]/.test(word)))) return null;
  return printable(Buffer.from(word, 'base64'));
}

/** `\x72\x6d`, `\u0072`, `\162` escapes (printf, echo -e, string literals) decoded in place. */
function unescaped(text: string): string {
  return text.replace(ESCAPES, (_, hex?: string, unicode?: string, octal?: string) =>
    String.fromCharCode(hex !== undefined ? Number.parseInt(hex, 16) : unicode !== undefined ? Number.parseInt(unicode, 16) : Number.parseInt(octal as string, 8) & 0xff),
  );
}

/**
 * What the encoded parts of a text decode to, one per line, or null when it holds none: base64
 * words (standard or URL-safe, ≥ 24 characters, or ≥ 8 when `cued`), hex words (≥ 16), a whole
 * string of base64 wrapped over lines, and `\xNN` / `\uNNNN` / `\NNN` escapes — when the result
 * is printable text. One level only: what is decoded is not decoded again. Each encoded
 * character spends one unit of `budget`; an empty budget decodes nothing more.
 * @example decodedText('echo cm0gLXJmIC8= | base64 -d | sh', true, { left: 1e6 }) // 'rm -rf /'
 */
export function decodedText(text: string, cued: boolean, budget: DecodeBudget): string | null {
  if (text.length < MIN_CUED || budget.left <= 0) return null;
  // The common case first, allocating nothing: no wrapped base64, no long run, no escape.
  const wrapped = text.includes('\n') && WRAPPED.test(text);
  const runs = hasRun(text, cued ? MIN_CUED : MIN_HEX);
  const escaped = text.includes('\\') && ESCAPE.test(text);
  if (!wrapped && !runs && !escaped) return null;
  const found: string[] = [];
  const spend = (length: number): boolean => {
    if (budget.left < length) {
      budget.left = 0;
      return false;
    }
    budget.left -= length;
    return true;
  };
  if (wrapped && spend(text.length)) {
    const whole = decodeWord(text.replace(/\s+/g, ''), cued);
    if (whole !== null) found.push(whole);
  }
  if (found.length === 0 && runs) {
    for (const match of text.matchAll(cued ? SHORT_RUN : LONG_RUN)) {
      const run = match[0];
      if (!spend(run.length)) break;
      const decoded = decodeWord(run, cued);
      if (decoded !== null) found.push(decoded);
    }
  }
  if (escaped && spend(text.length)) found.push(unescaped(text));
  return found.length > 0 ? found.join('\n') : null;
}
